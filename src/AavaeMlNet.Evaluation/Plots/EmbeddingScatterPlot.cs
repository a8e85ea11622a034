using SkiaSharp;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>A 2-D map of embeddings (e.g. <see cref="Analyses.PcaMap.Coordinates"/>), one colour per class.</summary>
public static class EmbeddingScatterPlot
{
    private const float MarkerRadius = 2.5f, LegendRow = 18;

    /// <summary>
    /// Writes a PNG of the points <paramref name="coordinates"/> (N, 2) coloured by <paramref name="labels"/>; the
    /// legend uses <paramref name="classNames"/> when given, else the class index.
    /// </summary>
    public static void Write(string path, IReadOnlyList<double[]> coordinates, IReadOnlyList<int> labels,
        IReadOnlyList<string>? classNames = null, string title = "Embeddings (PCA)", int width = 800, int height = 700)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        ArgumentNullException.ThrowIfNull(labels);
        if (coordinates.Count != labels.Count)
            throw new ArgumentException(
                $"Expected {coordinates.Count} labels (one per point), got {labels.Count}.", nameof(labels));
        if (coordinates.Any(p => p is null || p.Length < 2))
            throw new ArgumentException(
                "Expected every coordinate to hold at least 2 values (x, y).", nameof(coordinates));
        var classes = labels.Distinct().Order().ToArray();
        var names = classes
            .Select(c => classNames is not null && c >= 0 && c < classNames.Count ? classNames[c] : c.ToString())
            .ToArray();

        using var probe = new ChartCanvas(1, 1);
        float legendWidth = names.Length == 0 ? 0 : names.Max(n => probe.MeasureText(n, ChartCanvas.TickSize)) + 40;
        using var chart = new ChartCanvas(width, height, legendWidth);
        var (left, right) = ChartCanvas.Padded(coordinates.Select(p => p[0]));
        var (bottom, top) = ChartCanvas.Padded(coordinates.Select(p => p[1]));
        chart.SetLimits(left, right, bottom, top);
        chart.DrawGrid();

        using var marker = new SKPaint { IsAntialias = true };
        chart.Canvas.Save();
        chart.Canvas.ClipRect(chart.Area);
        for (int i = 0; i < coordinates.Count; i++)
        {
            marker.Color = ChartColours.Category(labels[i]);
            chart.Canvas.DrawCircle(
                chart.PixelX(coordinates[i][0]), chart.PixelY(coordinates[i][1]), MarkerRadius, marker);
        }
        chart.Canvas.Restore();
        chart.DrawFrame(title, "component 1", "component 2");

        for (int k = 0; k < classes.Length; k++)
        {
            float x = chart.Area.Right + 16, y = chart.Area.Top + 10 + k * LegendRow;
            marker.Color = ChartColours.Category(classes[k]);
            chart.Canvas.DrawCircle(x, y, 4, marker);
            chart.DrawText(names[k], x + 10, y + ChartCanvas.TickSize * 0.35f, ChartCanvas.TickSize);
        }
        chart.SavePng(path);
    }
}
