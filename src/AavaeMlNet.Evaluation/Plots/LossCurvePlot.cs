using SkiaSharp;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>The training-loss curve: loss against optimisation step.</summary>
public static class LossCurvePlot
{
    /// <summary>Writes a PNG of <paramref name="points"/> (step, loss) in step order.</summary>
    public static void Write(string path, IReadOnlyList<(long Step, double Loss)> points,
        string title = "Training loss", int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException("Expected at least one (step, loss) point.", nameof(points));
        using var chart = new ChartCanvas(width, height);
        var (left, right) = ChartCanvas.Padded(points.Select(p => (double)p.Step));
        var (bottom, top) = ChartCanvas.Padded(points.Select(p => p.Loss));
        chart.SetLimits(left, right, bottom, top);
        chart.DrawGrid();

        // A non-finite loss (a diverged step) breaks the line instead of dragging it off the chart.
        using var curve = new SKPath();
        bool drawing = false;
        foreach (var (step, loss) in points.OrderBy(p => p.Step))
        {
            if (!double.IsFinite(loss))
            {
                drawing = false;
                continue;
            }
            var at = new SKPoint(chart.PixelX(step), chart.PixelY(loss));
            if (drawing)
                curve.LineTo(at);
            else
                curve.MoveTo(at);
            drawing = true;
        }
        using var line = new SKPaint
        {
            Color = ChartColours.Category(0),
            StrokeWidth = 2,
            Style = SKPaintStyle.Stroke,
            IsAntialias = true,
        };
        chart.Canvas.Save();
        chart.Canvas.ClipRect(chart.Area);
        chart.Canvas.DrawPath(curve, line);
        if (points.Count == 1)
            chart.Canvas.DrawCircle(chart.PixelX(points[0].Step), chart.PixelY(points[0].Loss), 3, line);
        chart.Canvas.Restore();

        chart.DrawFrame(title, "step", "loss");
        chart.SavePng(path);
    }
}
