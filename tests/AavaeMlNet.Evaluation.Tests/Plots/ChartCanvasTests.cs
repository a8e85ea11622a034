using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Tests.TestData;
using SkiaSharp;

namespace AavaeMlNet.Evaluation.Tests.Plots;

public sealed class ChartCanvasTests : IDisposable
{
    private readonly TestDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(0, 1.4, 8, 0, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4 })]
    [InlineData(0, 105, 8, 0, new[] { 0.0, 20, 40, 60, 80, 100 })]
    [InlineData(-1, 1, 8, 0, new[] { -1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1 })]
    [InlineData(-0.5, 3.5, 8, 1, new[] { 0.0, 1, 2, 3 })]
    [InlineData(3.5, -0.5, 8, 1, new[] { 0.0, 1, 2, 3 })]
    public void NiceTicksStepByOneTwoTwoAndAHalfOrFive(
        double min, double max, int maxCount, double minStep, double[] expected) =>
        Assert.Equal(expected, ChartCanvas.NiceTicks(min, max, maxCount, minStep), (a, b) => Math.Abs(a - b) < 1e-12);

    [Fact]
    public void TickLabelsShowAsManyDecimalsAsTheStepNeeds()
    {
        Assert.Equal(["-0.25", "0.00", "0.25"], ChartCanvas.TickLabels([-0.25, 0, 0.25]));
        Assert.Equal(["0", "20", "40"], ChartCanvas.TickLabels([0, 20, 40]));
    }

    [Fact]
    public void ViridisRunsFromPurpleThroughTealToYellow()
    {
        Assert.Equal(new SKColor(0x44, 0x01, 0x54), ChartColours.Viridis(0));
        Assert.Equal(new SKColor(0x21, 0x90, 0x8C), ChartColours.Viridis(0.5));
        Assert.Equal(new SKColor(0xFD, 0xE7, 0x25), ChartColours.Viridis(1));
        Assert.Equal(new SKColor(0x46, 0x13, 0x65), ChartColours.Viridis(0.05)); // halfway between #440154 and #482576
        Assert.Equal(ChartColours.Viridis(1), ChartColours.Viridis(7));
    }

    [Fact]
    public void AChartRendersWithoutTextWhenNoFontIsFound()
    {
        string path = folder.File("no-font.png");
        using (var chart = new ChartCanvas(300, 200, extraRight: 0, typeface: null))
        {
            chart.SetLimits(0, 1, 0, 1);
            chart.DrawFrame("title", "x", "y");
            chart.DrawText("ignored", 10, 10, ChartCanvas.TitleSize);
            Assert.False(chart.HasText);
            Assert.Equal(0, chart.MeasureText("ignored", ChartCanvas.TitleSize));
            chart.SavePng(path);
        }
        var header = PngFile.Header(File.ReadAllBytes(path));
        Assert.Equal((300, 200), (header.Width, header.Height));
    }
}
