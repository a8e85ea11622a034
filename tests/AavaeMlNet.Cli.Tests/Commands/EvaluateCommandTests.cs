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
            "--train", model.TrainImages, "--test", model.TestImages, "--knn-k", "5,20", "--report-dir", "report");

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
            "--test", model.TestImages, "--knn-k", "", "--labels", "2/class,50%", "--report-dir", "report");

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
            "--test", model.TestImages, "--labels", "lots");
        var tooMany = CliProcess.Run(directory, "evaluate", "--model", model.ModelPath, "--train", model.TrainImages,
            "--test", model.TestImages, "--labels", "100/class");

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
            "--test", model.TestImages, "--knn-k", "", "--labels", "50%", "--probe-l2", "0.01,100",
            "--report-dir", "report");

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
            "--report-dir", "zip"]);
        var fromCheckpoint = CliProcess.Succeed(directory, ["evaluate", "--checkpoint", model.CheckpointPath,
            .. inputs, "--report-dir", "ckpt"]);

        Assert.Contains("Embedded 64 train and 32 test images (64 dimensions).", fromZip.Stdout);
        Assert.Contains("Embedded 64 train and 32 test images (64 dimensions).", fromCheckpoint.Stdout);
        var zip = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "zip", "metrics.json")));
        var ckpt = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "ckpt", "metrics.json")));
        Assert.Equal(zip.Metrics.Keys.Order(), ckpt.Metrics.Keys.Order());
        // The same encoder through ONNX and through TorchSharp: the accuracies over 32 images differ by one at most.
        Assert.All(zip.Metrics, m => Assert.InRange(ckpt.Metrics[m.Key], m.Value - 1.01 / 32, m.Value + 1.01 / 32));
        Assert.Equal("encoder.ckpt", ckpt.Results[0].Model);
    }

    [Fact]
    public void Evaluate_needs_exactly_one_of_model_and_checkpoint()
    {
        string directory = TinyData.NewDirectory("evaluate-model-or-checkpoint");
        string[] inputs = ["--train", model.TrainImages, "--test", model.TestImages];

        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", .. inputs]),
            "Give exactly one of --model model.zip and --checkpoint encoder.ckpt.");
        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", "--model", model.ModelPath,
            "--checkpoint", model.CheckpointPath, .. inputs]), "Give exactly one of");
        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", "--checkpoint", "missing.ckpt", .. inputs]),
            "Checkpoint 'missing.ckpt' does not exist.");
        CliProcess.AssertUserError(CliProcess.Run(directory, ["evaluate", "--checkpoint", model.CheckpointPath,
            "--column", "Mean", .. inputs]), "a checkpoint gives its backbone features");
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
}
