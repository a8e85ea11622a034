using System.Text.Json;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>
/// The Fashion-MNIST commands end to end, as processes, on <see cref="FashionMnistLike"/> at the smallest sizes:
/// `main` (the demo), `experiment aavae` and `pretrain --data fashion-mnist`.
/// </summary>
[Collection(FashionMnistLikeCollection.Name)]
public sealed class FashionMnistJobTests(FashionMnistLike data) : IDisposable
{
    private readonly string directory = TinyData.NewDirectory("fashion-mnist-jobs");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Main_runs_the_demo_and_writes_a_pipeline_that_scores_as_reported_the_metrics_report_and_figures()
    {
        var result = CliProcess.Succeed(directory, ["main", .. data.TinyJob, "--label-budgets", "2/class",
            "--output", "demo",
            "--baseline", "raw,imagenet-resnet18", "--feature-cache", "cache"]);

        string output = Path.Combine(directory, "demo");
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(output, "metrics.json")));
        double aavae = report.Metrics["aavae_test_accuracy"];
        double raw = report.Metrics["raw_pixel_test_accuracy"];
        double imageNet = report.Metrics["imagenet_resnet18_test_accuracy"];
        Assert.Contains($"AAVAE embedding {aavae:P2}, raw pixels {raw:P2}, ImageNet ResNet-18 (ML.NET featurizer) " +
            $"{imageNet:P2} (same run, same probe).", result.Stdout);
        Assert.Contains($"Report: {Path.Combine(output, "report.md")}", result.Stdout);
        // 2/class of the 4 classes: one budget of 8 labelled images, for the embedding and for raw pixels.
        Assert.InRange(report.Metrics["aavae_test_accuracy_8_labels"], 0, 1);
        Assert.InRange(report.Metrics["raw_pixel_test_accuracy_8_labels"], 0, 1);
        Assert.InRange(report.Metrics["imagenet_resnet18_test_accuracy_8_labels"], 0, 1);
        Assert.Equal(6, report.Results.Count);
        // The comparison: the embedding and both baselines, with what each costs (the tiny model embeds 100 images).
        var table = Assert.Single(report.Tables);
        Assert.Equal(["AAVAE embedding", "raw pixels", "ImageNet ResNet-18 (ML.NET featurizer)"],
            table.Rows.Select(row => row[0]));
        Assert.Equal(["8 labels", "40 labels (all)"], table.Columns.Skip(1).Take(2));
        Assert.Equal(["784", "-", "-"], table.Rows[1].TakeLast(3));
        Assert.Equal("512", table.Rows[2][3]);
        Assert.All(new[] { table.Rows[0][5], table.Rows[2][5] }, rate => Assert.Matches(@"^[\d,]+$", rate));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(directory, "cache")).Length);
        Assert.Equal("64", report.Settings["pretrain_images"]);
        string markdown = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.StartsWith("# AAVAE on Fashion-MNIST (main job)", markdown);
        Assert.Contains("raw pixels", markdown);
        // model.zip is the encoder and the probe: reloaded here, it scores the 100 test images as the job reported
        // (within one image: the reloaded encoder runs through ONNX, the job's through TorchSharp).
        var ml = new MLContext(0);
        var scored = ml.Model.Load(Path.Combine(output, "model.zip"), out _)
            .Transform(new IdxSource(data.TestImages, data.TestLabels).ToDataView());
        double reloaded = ml.MulticlassClassification.Evaluate(scored, "Label").MicroAccuracy;
        Assert.InRange(reloaded, aavae - 0.011, aavae + 0.011);
        var header = Checkpoint.ReadHeader(Path.Combine(output, "encoder.ckpt"));
        Assert.Equal((16, 1, 28, 28), (header.Config.LatentDim, header.Config.Channels, header.Config.Height,
            header.Config.Width));
        foreach (string figure in new[] { "reconstructions.png", "accuracy.png", "label-efficiency.png" })
            Assert.Equal(PngSignature.Bytes, File.ReadAllBytes(Path.Combine(output, figure))[..8]);
    }

    [Fact]
    public void Experiment_runs_one_aavae_run_and_writes_results_the_report_table_figures_and_the_models()
    {
        var result = CliProcess.Succeed(directory, ["experiment", "aavae", .. data.TinyJob,
            "--online-probe-images", "20", "--label-budgets", "2/class", "--probe-l2", "0.1,10", "--erasing", "0.1",
            "--output", "experiment"]);

        string output = Path.Combine(directory, "experiment");
        Assert.Contains($"Report: {Path.Combine(output, "report.md")}", result.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var root = json.RootElement;
        Assert.Equal("aavae", root.GetProperty("sweep").GetString());
        var baseline = Assert.Single(root.GetProperty("baselines").EnumerateArray().ToList());
        Assert.Equal("raw", baseline.GetProperty("Id").GetString());
        double raw = baseline.GetProperty("LinearProbeAccuracy").GetDouble();
        var run = Assert.Single(root.GetProperty("results").EnumerateArray().ToList());
        Assert.Equal("AAVAE", run.GetProperty("Name").GetString());
        double linear = run.GetProperty("LinearProbeAccuracy").GetDouble();
        Assert.InRange(linear, 0, 1);
        Assert.InRange(run.GetProperty("KnnAccuracy").GetDouble(), 0, 1);
        Assert.Equal(4, run.GetProperty("Steps").GetInt64()); // 64 images in batches of 16, one epoch
        Assert.Equal(1, run.GetProperty("EpochsStarted").GetInt32());
        Assert.Single(run.GetProperty("OnlineProbeAccuracy").EnumerateArray()); // one per epoch
        var budget = Assert.Single(run.GetProperty("LabelEfficiency").EnumerateArray().ToList());
        // --probe-l2 with two weights: every probe (raw pixels, the run, each budget) chose one of them.
        float[] weights = [0.1f, 10f];
        Assert.Contains(baseline.GetProperty("LinearProbeL2").GetSingle(), weights);
        Assert.Contains(run.GetProperty("LinearProbeL2").GetSingle(), weights);
        Assert.Contains(budget.GetProperty("L2Regularization").GetSingle(), weights);
        string[] report = File.ReadAllLines(Path.Combine(output, "report.md"));
        Assert.Equal("# Fashion-MNIST experiment: aavae", report[0]);
        Assert.Contains(report, line => line.StartsWith($"| raw pixels (baseline, same run) | {raw:P2} |",
            StringComparison.Ordinal));
        Assert.Contains(report, line => line.StartsWith($"| AAVAE | {linear:P2} |", StringComparison.Ordinal));
        // The model line names the views, with the view settings the command changed.
        Assert.Contains(report, line => line.StartsWith("- AAVAE: ", StringComparison.Ordinal)
            && line.Contains(", views grayscale preset with erasing 0.1, compute ", StringComparison.Ordinal));
        foreach (string figure in new[] { "accuracy.png", "label-efficiency.png" })
            Assert.Equal(PngSignature.Bytes, File.ReadAllBytes(Path.Combine(output, figure))[..8]);
        Assert.Contains(report, line => line.Contains("chooses its L2 weight from 0.1, 10 on a stratified 10% held out",
            StringComparison.Ordinal));
        var config = Checkpoint.ReadHeader(Path.Combine(output, "encoder-aavae.ckpt")).Config;
        Assert.Equal(16, config.LatentDim);
        // model-aavae.zip is the ML.NET model of the run, for `aavae evaluate` with other probes: the checkpoint's
        // embedding (backbone features h, then the recipe's grid) as its Embedding column.
        var embeddings = new MLContext(0).Model.Load(Path.Combine(output, "model-aavae.zip"), out _)
            .Transform(new IdxSource(data.TestImages).ToDataView()).GetColumn<float[]>("Embedding").ToList();
        Assert.Equal(100, embeddings.Count);
        Assert.All(embeddings, e => Assert.True(e.Length == config.EmbeddingDim && e.All(float.IsFinite)));
    }

    [Fact]
    public void Pretrain_data_fashion_mnist_reads_the_data_directory_and_trains_with_the_manifest_normalization()
    {
        var result = CliProcess.Succeed(directory, ["pretrain", "--data", "fashion-mnist", "--data-dir",
            data.Directory, "--split", "test", .. PretrainedModel.TinyArguments, "--output", "m.zip"]);

        Assert.Contains($"Fashion-MNIST found in '{data.Directory}'.", result.Stdout);
        Assert.Contains("on 100 1x28x28 images (", result.Stdout);
        Assert.Contains("  Epochs 1 (yours)", result.Stdout);
        var header = Checkpoint.ReadHeader(Path.Combine(directory, "encoder.ckpt"));
        Assert.Equal((1, 28, 28), (header.Config.Channels, header.Config.Height, header.Config.Width));
        Assert.Equal([0.2860f], header.Augmentation.Normalization.Mean);
        Assert.Equal([0.3530f], header.Augmentation.Normalization.Std);
        var embeddings = new MLContext(0).Model.Load(Path.Combine(directory, "m.zip"), out _)
            .Transform(new IdxSource(data.TestImages).ToDataView()).GetColumn<float[]>("Embedding").ToList();
        Assert.Equal(100, embeddings.Count);
        Assert.All(embeddings, e => Assert.True(e.Length == TinyData.EmbeddingSize && e.All(float.IsFinite)));
    }
}
