using System.Globalization;
using AavaeMlNet.Evaluation.Analyses;
using SkiaSharp;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>
/// The cosine-similarity heatmap of the paper's Fig. 5, on a fixed [-1, 1] colour scale with a colour bar.
/// </summary>
public static class SimilarityHeatmapPlot
{
    private const float BarGap = 14, BarWidth = 16, BarLabels = 40;

    /// <summary>Writes a PNG of <paramref name="matrix"/>; row 0 is drawn at the top.</summary>
    public static void Write(string path, SimilarityMatrix matrix, string title = "Cosine similarity of views",
        int width = 700, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.Size;
        using var chart = new ChartCanvas(width, height, BarGap + BarWidth + BarLabels);
        // y runs from n - 0.5 at the bottom to -0.5 at the top, so row 0 is the top row and
        // the tick labels are row indices.
        chart.SetLimits(-0.5, n - 0.5, n - 0.5, -0.5);

        // One bitmap pixel per cell, scaled up without smoothing: cells stay sharp and
        // adjacent cells share exact edges.
        using var cells = new SKBitmap(n, n, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int row = 0; row < n; row++)
            for (int column = 0; column < n; column++)
                cells.SetPixel(column, row, ChartColours.Viridis((matrix[row, column] + 1) / 2));
        using (var sharp = new SKPaint { FilterQuality = SKFilterQuality.None })
            chart.Canvas.DrawBitmap(cells, chart.Area, sharp);

        var indexTicks = ChartCanvas.NiceTicks(0, n - 1, maxCount: 8, minStep: 1)
            .Select(t => (t, t.ToString("F0", CultureInfo.InvariantCulture))).ToArray();
        chart.DrawFrame($"{title} ({matrix.Images} images x {matrix.Views} views)",
            "view (image-major)", "view (image-major)", indexTicks, indexTicks);
        DrawColourBar(chart);
        chart.SavePng(path);
    }

    private static void DrawColourBar(ChartCanvas chart)
    {
        var bar = new SKRect(chart.Area.Right + BarGap, chart.Area.Top,
            chart.Area.Right + BarGap + BarWidth, chart.Area.Bottom);
        var stops = ChartColours.ViridisControlPoints;
        using var shader = SKShader.CreateLinearGradient(new SKPoint(0, bar.Bottom), new SKPoint(0, bar.Top), stops,
            [.. Enumerable.Range(0, stops.Length).Select(i => i / (float)(stops.Length - 1))], SKShaderTileMode.Clamp);
        using (var fill = new SKPaint { Shader = shader }) chart.Canvas.DrawRect(bar, fill);
        using var line = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        chart.Canvas.DrawRect(bar, line);
        foreach (double value in (double[])[-1, -0.5, 0, 0.5, 1])
        {
            float y = bar.Bottom - (float)((value + 1) / 2) * bar.Height;
            chart.Canvas.DrawLine(bar.Right, y, bar.Right + 4, y, line);
            chart.DrawText(value.ToString("0.0", CultureInfo.InvariantCulture), bar.Right + 6,
                y + ChartCanvas.TickSize * 0.35f, ChartCanvas.TickSize);
        }
    }
}
