using System.Globalization;
using SkiaSharp;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>
/// The label-efficiency plot: top-1 accuracy (%) against labelled images on a log axis, one line per representation
/// (for example the AAVAE embedding against raw pixels), every point marked and labelled with its value.
/// </summary>
public static class LabelEfficiencyPlot
{
    private const float MarkerRadius = 4, LegendRow = 18;

    /// <summary>Writes a PNG with one line per named series of (labelled images, accuracy in [0, 1]) points.</summary>
    public static void Write(string path,
        IReadOnlyList<(string Name, IReadOnlyList<(int Images, double Accuracy)> Points)> series,
        string title = "Label efficiency", int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0 || series.Any(s => s.Points is null || s.Points.Count == 0))
            throw new ArgumentException("Expected at least one series, each with at least one point.", nameof(series));
        if (series.SelectMany(s => s.Points).Any(p => p.Images < 1))
            throw new ArgumentException(
                "Labelled image counts must be positive (the axis is logarithmic).", nameof(series));

        using var measure = new ChartCanvas(1, 1);
        float legendWidth = series.Max(s => measure.MeasureText(s.Name, ChartCanvas.TickSize)) + 40;
        using var chart = new ChartCanvas(width, height, legendWidth);
        var counts = series.SelectMany(s => s.Points.Select(p => p.Images)).Distinct().Order().ToArray();
        var (left, right) = ChartCanvas.Padded(counts.Select(n => Math.Log10(n)));
        var (bottom, top) = ChartCanvas.Padded(series.SelectMany(s => s.Points.Select(p => p.Accuracy * 100)));
        chart.SetLimits(left, right, bottom, top);
        chart.DrawGrid(vertical: false);

        using var line = new SKPaint { StrokeWidth = 2, Style = SKPaintStyle.Stroke, IsAntialias = true };
        using var marker = new SKPaint { IsAntialias = true };
        for (int k = 0; k < series.Count; k++)
        {
            line.Color = marker.Color = ChartColours.Category(k);
            var points = series[k].Points.OrderBy(p => p.Images)
                .Select(p => (
                    At: new SKPoint(chart.PixelX(Math.Log10(p.Images)), chart.PixelY(p.Accuracy * 100)),
                    p.Accuracy))
                .ToArray();
            using var curve = new SKPath();
            curve.MoveTo(points[0].At);
            foreach (var point in points.Skip(1)) curve.LineTo(point.At);
            chart.Canvas.DrawPath(curve, line);
            foreach (var (at, accuracy) in points)
            {
                chart.Canvas.DrawCircle(at, MarkerRadius, marker);
                string label = (accuracy * 100).ToString("F1", CultureInfo.InvariantCulture);
                chart.DrawText(label, at.X, at.Y + (k % 2 == 0 ? -8 : 18), ChartCanvas.TickSize, SKTextAlign.Center,
                    ChartColours.Category(k));
            }
            float x = chart.Area.Right + 16, y = chart.Area.Top + 10 + k * LegendRow;
            chart.Canvas.DrawCircle(x, y, MarkerRadius, marker);
            chart.DrawText(series[k].Name, x + 10, y + ChartCanvas.TickSize * 0.35f, ChartCanvas.TickSize);
        }
        var xTicks = counts.Select(n => (Math.Log10(n), n.ToString("N0", CultureInfo.InvariantCulture))).ToArray();
        chart.DrawFrame(title, "labelled images (log scale)", "top-1 accuracy (%)", xTicks);
        chart.SavePng(path);
    }
}
