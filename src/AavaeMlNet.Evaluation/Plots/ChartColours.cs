using SkiaSharp;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>
/// The charts' two colour schemes: a categorical palette for classes and bars, and viridis for values.
/// </summary>
internal static class ChartColours
{
    // Tableau's Category10 (matplotlib's default cycle): ten hues that stay distinct for the usual 10-class data sets.
    private static readonly SKColor[] Category10 =
    [
        new(0x1F, 0x77, 0xB4), new(0xFF, 0x7F, 0x0E), new(0x2C, 0xA0, 0x2C), new(0xD6, 0x27, 0x28),
        new(0x94, 0x67, 0xBD), new(0x8C, 0x56, 0x4B), new(0xE3, 0x77, 0xC2), new(0x7F, 0x7F, 0x7F),
        new(0xBC, 0xBD, 0x22), new(0x17, 0xBE, 0xCF),
    ];

    /// <summary>
    /// Viridis (van der Walt and Smith, matplotlib) sampled at 0, 0.1, ..., 1: perceptually uniform and readable in
    /// grayscale, so equal similarity steps look equal. Linear interpolation between these 11 points stays within a few
    /// levels of the full 256-entry table.
    /// </summary>
    public static readonly SKColor[] ViridisControlPoints =
    [
        new(0x44, 0x01, 0x54), new(0x48, 0x25, 0x76), new(0x41, 0x44, 0x87), new(0x35, 0x60, 0x8D),
        new(0x2A, 0x78, 0x8E), new(0x21, 0x90, 0x8C), new(0x22, 0xA8, 0x84), new(0x43, 0xBF, 0x71),
        new(0x7A, 0xD1, 0x51), new(0xBB, 0xDF, 0x27), new(0xFD, 0xE7, 0x25),
    ];

    /// <summary>The colour of class or series <paramref name="index"/>; the palette repeats after ten.</summary>
    public static SKColor Category(int index) =>
        Category10[((index % Category10.Length) + Category10.Length) % Category10.Length];

    /// <summary>Viridis at <paramref name="t"/> in [0, 1] (clipped; NaN gives the low end).</summary>
    public static SKColor Viridis(double t)
    {
        double position = Math.Clamp(double.IsNaN(t) ? 0 : t, 0, 1) * (ViridisControlPoints.Length - 1);
        int low = Math.Min((int)position, ViridisControlPoints.Length - 2);
        double f = position - low;
        SKColor a = ViridisControlPoints[low], b = ViridisControlPoints[low + 1];
        byte Mix(byte x, byte y) => (byte)Math.Round(x + (y - x) * f);
        return new SKColor(Mix(a.Red, b.Red), Mix(a.Green, b.Green), Mix(a.Blue, b.Blue));
    }
}
