using AavaeMlNet.Evaluation.Reports;

namespace AavaeMlNet.Cli.Tests.Commands;

[Collection(PretrainedModelCollection.Name)]
public class EvaluateCommandTests(PretrainedModel model)
{
    [Fact]
    public void Evaluate_prints_probe_and_knn_accuracies_and_writes_the_report()
    {
        string directory = TinyData.NewDirectory("evaluate");
        var result = CliProcess.Succeed(directory, "evaluate", "--model", model.ModelPath,
            "--train", model.TrainImages, "--test", model.TestImages, "--knn-k", "5,20", "--output", "report");

        Assert.Contains("linear probe (standardize + L-BFGS):", result.Stdout);
        Assert.Contains("kNN k=5", result.Stdout);
        Assert.Contains("kNN k=20", result.Stdout);
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "report", "metrics.json")));
        Assert.Equal(3, report.Results.Count);
        Assert.All(report.Results, r => Assert.InRange(r.Accuracy, 0, 1));
        Assert.True(report.Metrics.ContainsKey("knn_20_accuracy"));
        Assert.True(File.Exists(Path.Combine(directory, "report", "report.md")));
    }

    [Fact]
    public void Evaluate_labels_fits_one_probe_per_budget_and_plots_them()
    {
        string directory = TinyData.NewDirectory("evaluate-labels");
        var result = CliProcess.Succeed(directory, "evaluate", "--model", model.ModelPath, "--train", model.TrainImages,
            "--test", model.TestImages, "--knn-k", "", "--label-budgets", "2/class,50%", "--output", "report");

        // 64 training images, 4 per class: 2/class takes 2 x classes, 50 % takes 32.
        Assert.Contains($"linear probe, 2/class labels ({2 * TinyData.Classes} images):", result.Stdout);
        Assert.Contains("linear probe, 50% labels (32 images):", result.Stdout);
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "report", "metrics.json")));
        Assert.Equal(3, report.Results.Count);
        Assert.InRange(report.Metrics["probe_accuracy_labels_2_per_class"], 0, 1);
        Assert.InRange(report.Metrics["probe_accuracy_labels_50_percent"], 0, 1);
        Assert.True(new FileInfo(Path.Combine(directory, "report", "label-efficiency.png")).Length > 0);
    }

    [Fact]
    public void Evaluate_refuses_a_label_budget_it_cannot_parse_or_fill()
    {
        string directory = TinyData.NewDirectory("evaluate-labels-bad");
        var unparsable = CliProcess.Run(directory, "evaluate", "--model", model.ModelPath, "--train", model.TrainImages,
            "--test", model.TestImages, "--label-budgets", "lots");
        var tooMany = CliProcess.Run(directory, "evaluate", "--model", model.ModelPath, "--train", model.TrainImages,
            "--test", model.TestImages, "--label-budgets", "100/class");

        Assert.NotEqual(0, unparsable.ExitCode);
        Assert.Contains("Label budget 'lots' is not N/class", unparsable.Stderr);
        Assert.NotEqual(0, tooMany.ExitCode);
        Assert.Contains("Label budget 100/class asks for", tooMany.Stderr);
    }

    [Fact]
    public void Evaluate_probe_l2_chooses_the_weight_on_a_held_out_part_for_the_probe_and_each_budget()
    {
        string directory = TinyData.NewDirectory("evaluate-l2");
        var result = CliProcess.Succeed(directory, "evaluate", "--model", model.ModelPath, "--train", model.TrainImages,
            "--test", model.TestImages, "--knn-k", "", "--label-budgets", "50%", "--probe-l2", "0.01,100",
            "--output", "report");

        Assert.Matches(@"linear probe \(standardize \+ L-BFGS\): L2 (0\.01|100), chosen on the held-out part from " +
                       @"0\.01 \(\d+\.\d\d ?%\), 100 \(\d+\.\d\d ?%\)\.", result.Stdout);
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "report", "metrics.json")));
        Assert.StartsWith("L2 ", report.Settings["probe_l2"]);
        Assert.Matches(@"^50%: (0\.01|100)$", report.Settings["label_budget_l2"]);
    }

    [Fact]
    public void Evaluate_checkpoint_embeds_with_torchsharp_and_scores_as_the_model_zip_within_one_image()
    {
        string directory = TinyData.NewDirectory("evaluate-checkpoint");
        string[] inputs = ["--train", model.TrainImages, "--test", model.TestImages, "--knn-k", "5"];
        var fromZip = CliProcess.Succeed(directory, ["evaluate", "--model", model.ModelPath, .. inputs,
            "--output", "zip"]);
        var fromCheckpoint = CliProcess.Succeed(directory, ["evaluate", "--checkpoint", model.CheckpointPath,
            .. inputs, "--output", "ckpt"]);

        string embedded = $"Embedded 64 train and 32 test images ({TinyData.EmbeddingSize} dimensions).";
        Assert.Contains(embedded, fromZip.Stdout);
        Assert.Contains(embedded, fromCheckpoint.Stdout);
        var zip = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "zip", "metrics.json")));
        var ckpt = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "ckpt", "metrics.json")));
        Assert.Equal(zip.Metrics.Keys.Order(), ckpt.Metrics.Keys.Order());
        // The same encoder through ONNX and through TorchSharp: the accuracies over 32 images differ by one at most.
        Assert.All(zip.Metrics, m => Assert.InRange(ckpt.Metrics[m.Key], m.Value - 1.01 / 32, m.Value + 1.01 / 32));
        Assert.Equal("encoder.ckpt", ckpt.Results[0].Model);
    }

    [Fact]
    public void Evaluate_reads_a_checkpoint_with_each_embedding_grid_asked_for()
    {
        string directory = TinyData.NewDirectory("evaluate-grid");
        var result = CliProcess.Succeed(directory, "evaluate", "--checkpoint", $"tiny={model.CheckpointPath}",
            "--embedding-grid", "0,1", "--train", model.TrainImages, "--test", model.TestImages, "--knn-k", "",
            "--output", "report");

        // h = 64, then one region per channel of the third (32) and last (64) stages.
        Assert.Contains("Embedded 64 train and 32 test images (64 dimensions).", result.Stdout);
        Assert.Contains("Embedded 64 train and 32 test images (160 dimensions).", result.Stdout);
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "report", "metrics.json")));
        Assert.Equal(["tiny, grid 0", "tiny, grid 1"], report.Results.Select(r => r.Model).Distinct());
        var table = Assert.Single(report.Tables);
        int size = table.Columns.ToList().IndexOf("embedding size");
        Assert.Equal(["64", "160"], table.Rows.Select(row => row[size]));
    }

    [Fact]
    public void Evaluate_needs_something_to_evaluate_and_names_what_is_wrong_with_it()
    {
        string directory = TinyData.NewDirectory("evaluate-model-or-checkpoint");
        string[] inputs = ["--train", model.TrainImages, "--test", model.TestImages];

        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", .. inputs]),
            "Give what to evaluate: --model model.zip, --checkpoint encoder.ckpt or --baseline raw|imagenet-resnet18");
        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", "--baseline", "raw,resnet", .. inputs]),
            "--baseline 'raw,resnet': 'resnet' is not a baseline; expected raw, imagenet-resnet18.");
        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", "--checkpoint", "missing.ckpt", .. inputs]),
            "Checkpoint 'missing.ckpt' does not exist.");
        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", "--checkpoint", model.CheckpointPath,
            "--column", "Mean", .. inputs]), "a checkpoint gives its backbone features");
        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", "--model", model.ModelPath,
            "--embedding-grid", "2", .. inputs]), "a model zip's ONNX encoder has its grid built in");
        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", "--checkpoint", model.CheckpointPath,
            "--embedding-grid", "0,5", .. inputs]), "--embedding-grid 5: expected grids of 0..4 (0: none).");
    }

    [Fact]
    public void Evaluate_refuses_a_probe_l2_that_is_not_a_list_of_weights_or_does_not_apply()
    {
        string directory = TinyData.NewDirectory("evaluate-l2-bad");
        string[] common = ["evaluate", "--model", model.ModelPath, "--train", model.TrainImages,
            "--test", model.TestImages];

        CliProcess.AssertUserError(CliProcess.Run(directory, [.. common, "--probe-l2", "1,-2"]),
            "--probe-l2 '1,-2': '-2' is not a finite number >= 0.");
        CliProcess.AssertUserError(CliProcess.Run(directory, [.. common, "--probe-l2", "1,1"]),
            "--probe-l2 '1,1' names a weight twice.");
        CliProcess.AssertUserError(CliProcess.Run(directory, [.. common, "--probe", "fasttree", "--probe-l2", "1"]),
            "fasttree has no L2 weight");
    }

    [Fact]
    public void Evaluate_refuses_an_unlabelled_input()
    {
        string directory = TinyData.NewDirectory("evaluate-unlabelled");
        string images = Path.Combine(directory, "plain-images");
        File.Copy(model.TestImages, images);
        var result = CliProcess.Run(directory, "evaluate", "--model", model.ModelPath,
            "--train", model.TrainImages, "--test", images);
        CliProcess.AssertUserError(result, "has no labels");
    }

    [Fact]
    public void Evaluate_scores_models_and_baselines_on_the_same_images_and_tabulates_what_each_costs()
    {
        string directory = TinyData.NewDirectory("evaluate-baselines");
        string[] args = ["evaluate", "--model", $"tiny={model.ModelPath}", "--checkpoint", model.CheckpointPath,
            "--baseline", "raw,imagenet-resnet18", "--feature-cache", "cache", "--train", model.TrainImages,
            "--test", model.TestImages, "--knn-k", "5", "--label-budgets", "2/class", "--output", "report"];

        var first = CliProcess.Succeed(directory, args);
        var second = CliProcess.Succeed(directory, args);

        Assert.Contains("ImageNet ResNet-18 (ML.NET featurizer): computing the features of 64 images", first.Stdout);
        Assert.Contains("ImageNet ResNet-18 (ML.NET featurizer): features of 64 images read from", second.Stdout);
        Assert.Contains("raw pixels: 64 train and 32 test images (256 features).", first.Stdout);
        Assert.Contains("ImageNet ResNet-18 (ML.NET featurizer): 64 train and 32 test images (512 features), ",
            first.Stdout);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(directory, "cache")).Length);
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "report", "metrics.json")));
        // Four representations, each with the probe, one label budget and one kNN.
        Assert.Equal(["tiny", "encoder.ckpt", "raw pixels", "ImageNet ResNet-18 (ML.NET featurizer)"],
            report.Results.Select(r => r.Model).Distinct());
        Assert.Equal(12, report.Results.Count);
        var table = Assert.Single(report.Tables);
        Assert.Equal(["representation", "8 labels", "64 labels (all)", "kNN k=5", "embedding size", "model size",
            "images/s"], table.Columns);
        Assert.Equal(["raw pixels", "256", "-", "-"], [table.Rows[2][0], .. table.Rows[2].TakeLast(3)]);
        Assert.Equal("512", table.Rows[3][4]);
        Assert.Matches(@"^\d+\.\d MiB$", table.Rows[3][5]);
        Assert.Equal($"{report.Metrics["raw_probe_accuracy"] * 100:F2} %", table.Rows[2][2]);
        Assert.True(report.Metrics.ContainsKey("imagenet_resnet18_knn_5_accuracy"));
        Assert.Contains("| representation | 8 labels |",
            File.ReadAllText(Path.Combine(directory, "report", "report.md")));
    }

    [Fact]
    public void Evaluate_raw_pixels_alone_scores_what_the_probe_scores_on_the_pixels()
    {
        string directory = TinyData.NewDirectory("evaluate-raw");
        var result = CliProcess.Succeed(directory, "evaluate", "--baseline", "raw", "--train", model.TrainImages,
            "--test", model.TestImages, "--knn-k", "", "--output", "report");

        var train = Data.Readers.LabelledPixels.Read(Data.Readers.ImageInputs.Open(model.TrainImages, null));
        var test = Data.Readers.LabelledPixels.Read(Data.Readers.ImageInputs.Open(model.TestImages, null));
        int side = TinyData.Side * TinyData.Side;
        double expected = Evaluation.Probes.LinearProbe.TrainAndEvaluate(
            new Evaluation.Embeddings.EmbeddingMatrix(train.Pixels, train.Count, side), train.Labels,
            new Evaluation.Embeddings.EmbeddingMatrix(test.Pixels, test.Count, side), test.Labels,
            new Evaluation.Probes.LinearProbe.Options()).Accuracy;
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "report", "metrics.json")));
        Assert.Equal("Evaluation of raw pixels", report.Title);
        Assert.Equal(expected, report.Metrics["probe_accuracy"]);
        Assert.Contains($"linear probe (standardize + L-BFGS): {expected:P2}", result.Stdout);
    }
}
