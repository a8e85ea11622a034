using System.Globalization;
using AavaeMlNet.Io;
using SkiaSharp;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>
/// The frame every chart shares, drawn with SkiaSharp: a white canvas, a data area inside fixed margins, linear axes
/// with 1-2-2.5-5 tick steps, tick labels, title and axis labels; the one place plots reach the disk. Text needs a
/// font: where the machine has none, charts still render, without text.
/// </summary>
internal sealed class ChartCanvas : IDisposable
{
    /// <summary>Title, axis-label and tick-label sizes in pixels.</summary>
    public const float TitleSize = 16, LabelSize = 13, TickSize = 11;

    private const float LeftMargin = 72, TopMargin = 40, BottomMargin = 56, RightMargin = 20, TickLength = 5;
    private static readonly SKColor Ink = new(0x22, 0x22, 0x22), GridLine = new(0xE6, 0xE6, 0xE6);

    // Looked up once per process: the font manager scans the font folders on each match.
    private static readonly Lazy<SKTypeface?> SystemTypeface = new(FindTypeface);

    private readonly SKSurface surface;
    private readonly SKTypeface? typeface;
    private double xMin = 0, xMax = 1, yMin = 0, yMax = 1;

    /// <summary>
    /// A blank chart; <paramref name="extraRight"/> pixels right of the data area are left for a legend or colour bar.
    /// </summary>
    public ChartCanvas(int width, int height, float extraRight = 0)
        : this(width, height, extraRight, SystemTypeface.Value)
    {
    }

    /// <summary>
    /// A blank chart whose text uses <paramref name="typeface"/>; null draws no text (a machine without fonts).
    /// </summary>
    public ChartCanvas(int width, int height, float extraRight, SKTypeface? typeface)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}x{height} surface.");
        this.typeface = typeface;
        Canvas.Clear(SKColors.White);
        float right = Math.Max(LeftMargin + 1, width - RightMargin - extraRight);
        Area = new SKRect(LeftMargin, TopMargin, right, Math.Max(TopMargin + 1, height - BottomMargin));
    }

    /// <summary>The canvas to draw data on, in pixels (origin top left).</summary>
    public SKCanvas Canvas => surface.Canvas;

    /// <summary>The data area in pixels.</summary>
    public SKRect Area { get; }

    /// <summary>Whether text is drawn: false where no font was found.</summary>
    public bool HasText => typeface is not null;

    /// <summary>
    /// Sets the data range shown; a reversed y range (<paramref name="bottom"/> &gt;
    /// <paramref name="top"/>) is allowed.
    /// </summary>
    public void SetLimits(double left, double right, double bottom, double top) =>
        (xMin, xMax, yMin, yMax) = (left, right, bottom, top);

    /// <summary>
    /// Data-space limits around <paramref name="values"/> (finite ones only), padded by 5% on each side.
    /// </summary>
    public static (double Min, double Max) Padded(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return (0, 1);
        double min = finite.Min(), max = finite.Max(), pad = (max - min) * 0.05;
        if (pad == 0) pad = Math.Max(Math.Abs(min) * 0.1, 0.5);
        return (min - pad, max + pad);
    }

    /// <summary>The pixel column of data value <paramref name="x"/>.</summary>
    public float PixelX(double x) => (float)(Area.Left + (x - xMin) / (xMax - xMin) * Area.Width);

    /// <summary>The pixel row of data value <paramref name="y"/>.</summary>
    public float PixelY(double y) => (float)(Area.Bottom - (y - yMin) / (yMax - yMin) * Area.Height);

    /// <summary>
    /// Tick values between <paramref name="min"/> and <paramref name="max"/> at a step of 1, 2, 2.5 or 5 times a
    /// power of ten (at least <paramref name="minStep"/>), at most <paramref name="maxCount"/> of them: the
    /// steps people read at a glance.
    /// </summary>
    public static double[] NiceTicks(double min, double max, int maxCount = 8, double minStep = 0)
    {
        if (min > max) (min, max) = (max, min);
        double span = max - min;
        if (!double.IsFinite(span) || span <= 0 || maxCount < 1) return double.IsFinite(min) ? [min] : [];
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(span / maxCount)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => span / s <= maxCount);
        step = Math.Max(step, minStep);
        var ticks = new List<double>();
        for (double k = Math.Ceiling(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
            ticks.Add(Math.Round(k * step, 12) + 0.0); // + 0.0 turns -0 into 0
        return [.. ticks];
    }

    /// <summary>Labels for <paramref name="ticks"/> with as many decimals as their step needs.</summary>
    public static string[] TickLabels(IReadOnlyList<double> ticks)
    {
        double step = ticks.Count > 1 ? Math.Abs(ticks[1] - ticks[0]) : 1;
        int decimals = 0;
        while (decimals < 6
            && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6)
            decimals++;
        return [.. ticks.Select(t => t.ToString("F" + decimals, CultureInfo.InvariantCulture))];
    }

    /// <summary>Light grid lines at the nice ticks of the current limits, to draw under the data.</summary>
    public void DrawGrid(bool vertical = true)
    {
        using var paint = new SKPaint { Color = GridLine, StrokeWidth = 1, IsAntialias = false };
        foreach (double x in vertical ? NiceTicks(xMin, xMax) : [])
            Canvas.DrawLine(PixelX(x), Area.Top, PixelX(x), Area.Bottom, paint);
        foreach (double y in NiceTicks(yMin, yMax))
            Canvas.DrawLine(Area.Left, PixelY(y), Area.Right, PixelY(y), paint);
    }

    /// <summary>
    /// The frame over the data: axis box, ticks with labels (nice ticks of the limits unless
    /// given), title and axis labels.
    /// </summary>
    public void DrawFrame(string title, string xLabel, string yLabel,
        IReadOnlyList<(double Value, string Label)>? xTicks = null,
        IReadOnlyList<(double Value, string Label)>? yTicks = null)
    {
        using var line = new SKPaint { Color = Ink, StrokeWidth = 1, Style = SKPaintStyle.Stroke, IsAntialias = false };
        Canvas.DrawRect(Area, line);
        foreach (var (value, label) in xTicks ?? Labelled(NiceTicks(xMin, xMax)))
        {
            float x = PixelX(value);
            Canvas.DrawLine(x, Area.Bottom, x, Area.Bottom + TickLength, line);
            DrawText(label, x, Area.Bottom + TickLength + TickSize + 2, TickSize, SKTextAlign.Center);
        }
        foreach (var (value, label) in yTicks ?? Labelled(NiceTicks(yMin, yMax)))
        {
            float y = PixelY(value);
            Canvas.DrawLine(Area.Left - TickLength, y, Area.Left, y, line);
            DrawText(label, Area.Left - TickLength - 3, y + TickSize * 0.35f, TickSize, SKTextAlign.Right);
        }
        DrawText(title, Area.MidX, TopMargin - 14, TitleSize, SKTextAlign.Center, bold: true);
        DrawText(xLabel, Area.MidX, Area.Bottom + TickLength + TickSize + LabelSize + 12, LabelSize,
            SKTextAlign.Center);
        DrawText(yLabel, 18, Area.MidY, LabelSize, SKTextAlign.Center, degrees: -90);
    }

    /// <summary>
    /// Draws <paramref name="text"/> with its baseline at (x, y), optionally rotated about that
    /// point; nothing without a font.
    /// </summary>
    public void DrawText(string text, float x, float y, float size, SKTextAlign align = SKTextAlign.Left,
        SKColor? colour = null, bool bold = false, float degrees = 0)
    {
        if (typeface is null || string.IsNullOrEmpty(text)) return;
        using var paint = TextPaint(size, align, bold);
        paint.Color = colour ?? Ink;
        Canvas.Save();
        Canvas.RotateDegrees(degrees, x, y);
        Canvas.DrawText(text, x, y, paint);
        Canvas.Restore();
    }

    /// <summary>The width of <paramref name="text"/> in pixels; 0 without a font.</summary>
    public float MeasureText(string text, float size)
    {
        if (typeface is null) return 0;
        using var paint = TextPaint(size, SKTextAlign.Left, bold: false);
        return paint.MeasureText(text);
    }

    /// <summary>Encodes the chart as PNG and writes it atomically.</summary>
    public void SavePng(string path)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the chart as PNG.");
        AtomicFile.WriteAllBytes(path, data.AsSpan());
    }

    /// <inheritdoc />
    public void Dispose() => surface.Dispose();

    private SKPaint TextPaint(float size, SKTextAlign align, bool bold) =>
        new() { Typeface = typeface, TextSize = size, TextAlign = align, IsAntialias = true, FakeBoldText = bold };

    private static IEnumerable<(double, string)> Labelled(double[] ticks) => ticks.Zip(TickLabels(ticks));

    // SKTypeface.Default is the first face the native font manager finds (on Debian with DejaVu: "DejaVu
    // Math TeX Gyre"), so a plain sans face is asked for first. With no fonts installed the default face
    // is empty (no glyphs): no text.
    private static SKTypeface? FindTypeface()
    {
        foreach (string family in (string[])["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"])
        {
            var match = SKFontManager.Default.MatchFamily(family);
            if (match is { GlyphCount: > 0 }) return match;
        }
        var fallback = SKTypeface.Default;
        return fallback is { GlyphCount: > 0 } ? fallback : null;
    }
}
