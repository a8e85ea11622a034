using AavaeMlNet.Evaluation.Reports;

namespace AavaeMlNet.Cli.Tests.Commands;

[Collection(PretrainedModelCollection.Name)]
public class EvaluateCommandTests(PretrainedModel model)
{
    [Fact]
    public void Evaluate_prints_probe_and_knn_accuracies_and_writes_the_report()
    {
        string directory = TinyData.NewDirectory("evaluate");
        var result = CliProcess.Succeed(directory, "evaluate", "--model", model.ModelPath, "--train", model.TrainImages, "--test", model.TestImages,
            "--knn-k", "5,20", "--report-dir", "report");

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
    public void Evaluate_refuses_an_unlabelled_input()
    {
        string directory = TinyData.NewDirectory("evaluate-unlabelled");
        string images = Path.Combine(directory, "plain-images");
        File.Copy(model.TestImages, images);
        var result = CliProcess.Run(directory, "evaluate", "--model", model.ModelPath, "--train", model.TrainImages, "--test", images);
        CliProcess.AssertUserError(result, "has no labels");
    }
}
