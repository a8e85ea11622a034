using System.Globalization;
using SkiaSharp;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>A bar chart of top-1 accuracies (in %), one bar per method or evaluation.</summary>
public static class AccuracyBarPlot
{
    private const double BarWidth = 0.7;

    /// <summary>Writes a PNG with one labelled bar per (name, accuracy in [0, 1]) entry.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, double Accuracy)> bars,
        string title = "Top-1 accuracy", int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (bars.Count == 0) throw new ArgumentException("Expected at least one bar.", nameof(bars));
        using var chart = new ChartCanvas(width, height);
        chart.SetLimits(-0.5, bars.Count - 0.5, 0, 105); // 105 leaves room for the value label above a 100% bar
        chart.DrawGrid(vertical: false); // categories have no scale between them

        using var fill = new SKPaint { IsAntialias = true };
        for (int i = 0; i < bars.Count; i++)
        {
            double percent = bars[i].Accuracy * 100;
            fill.Color = ChartColours.Category(i);
            float top = chart.PixelY(Math.Clamp(double.IsNaN(percent) ? 0 : percent, 0, 105));
            float barWidth = chart.PixelX(BarWidth) - chart.PixelX(0);
            chart.Canvas.DrawRect(
                SKRect.Create(chart.PixelX(i - BarWidth / 2), top, barWidth, chart.Area.Bottom - top), fill);
            chart.DrawText(percent.ToString("F1", CultureInfo.InvariantCulture), chart.PixelX(i), top - 4,
                ChartCanvas.LabelSize, SKTextAlign.Center, bold: true);
        }
        var xTicks = bars.Select((b, i) => ((double)i, b.Name)).ToArray();
        chart.DrawFrame(title, "", "top-1 accuracy (%)", xTicks);
        chart.SavePng(path);
    }
}
