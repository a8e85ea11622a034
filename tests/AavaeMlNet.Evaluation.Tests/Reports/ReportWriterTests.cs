using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.Evaluation.Tests.TestData;

namespace AavaeMlNet.Evaluation.Tests.Reports;

public sealed class ReportWriterTests : IDisposable
{
    private readonly TestDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private static EvaluationReport Sample() => new(
        "Fashion-MNIST evaluation",
        "Fashion-MNIST test (10,000)",
        [
            new EvaluationResult("AAVAE r18", "linear probe (L-BFGS)", 0.87654),
            new EvaluationResult("AAVAE r18", "kNN k=200", 0.8512, "T = 0.07"),
        ],
        new Dictionary<string, double> { ["blockContrast"] = 0.25 },
        new Dictionary<string, string> { ["seed"] = "0" });

    [Fact]
    public void JsonHoldsEveryResultAndRoundTrips()
    {
        string path = folder.File("metrics.json");

        ReportWriter.WriteJson(path, Sample());

        string json = File.ReadAllText(path);
        Assert.Contains("\"accuracy\": 0.87654", json);
        Assert.Contains("\"protocol\": \"kNN k=200\"", json);
        Assert.Contains("\"blockContrast\": 0.25", json);
        var back = ReportWriter.FromJson(json);
        Assert.Equal(2, back.Results.Count);
        Assert.Equal(Sample().Results[1], back.Results[1]);
        Assert.Equal("0", back.Settings["seed"]);
    }

    [Fact]
    public void MarkdownHasATableRowPerResultWithPercentAccuracy()
    {
        string path = folder.File("summary.md");

        ReportWriter.WriteMarkdown(path, Sample());

        var lines = File.ReadAllLines(path);
        Assert.Equal("# Fashion-MNIST evaluation", lines[0]);
        Assert.Contains("| model | protocol | top-1 (%) | notes |", lines);
        Assert.Contains("| AAVAE r18 | linear probe (L-BFGS) | 87.65 |  |", lines);
        Assert.Contains("| AAVAE r18 | kNN k=200 | 85.12 | T = 0.07 |", lines);
        Assert.Contains("- blockContrast: 0.25", lines);
        Assert.Contains("- seed: 0", lines);
    }

    [Fact]
    public void PipesInNamesDoNotBreakTheTable()
    {
        var report = Sample() with { Results = [new EvaluationResult("a|b", "p", 0.5)] };
        Assert.Contains("| a\\|b | p | 50.00 |  |", ReportWriter.ToMarkdown(report));
    }

    [Fact]
    public void FiguresFollowTheTableAsImagesAndRoundTripThroughJson()
    {
        var report = Sample() with { Figures = [new ReportFigure("Label efficiency", "label-efficiency.png")] };

        string markdown = ReportWriter.ToMarkdown(report);
        var back = ReportWriter.FromJson(ReportWriter.ToJson(report));

        Assert.Contains("\n![Label efficiency](label-efficiency.png)\n", markdown.ReplaceLineEndings("\n"));
        Assert.True(markdown.IndexOf("| AAVAE r18 | kNN", StringComparison.Ordinal)
            < markdown.IndexOf("![", StringComparison.Ordinal));
        Assert.Equal(report.Figures, back.Figures);
        Assert.Empty(ReportWriter.FromJson(ReportWriter.ToJson(Sample())).Figures);
    }
}
