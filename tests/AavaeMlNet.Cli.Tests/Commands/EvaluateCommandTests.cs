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
