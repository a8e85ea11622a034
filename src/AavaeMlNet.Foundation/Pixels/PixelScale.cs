namespace AavaeMlNet.Pixels;

/// <summary>
/// The one conversion from stored 8-bit pixels to model input in [0, 1], and the range every model input is held to.
/// The conversion is value * (1f / 255), the arithmetic of ML.NET's ExtractPixels with scaleImage = 1/255 (which
/// the transformer applies to image columns): bytes from any reader then give bit for bit the floats that an image
/// column gives. (value / 255f differs from it by one unit in the last place for 126 of the 256 byte values.)
/// </summary>
public static class PixelScale
{
    /// <summary>The scale factor, 1/255 rounded to float: what ExtractPixels' scaleImage is given.</summary>
    public const float Factor = 1f / 255;

    /// <summary>The smallest accepted model input: 0 less a tolerance for rounding in user pipelines.</summary>
    public const float Minimum = -1e-4f;

    /// <summary>The largest accepted model input: 1 plus the same tolerance.</summary>
    public const float Maximum = 1.0001f;

    /// <summary>One stored pixel as model input.</summary>
    public static float ToUnit(byte value) => value * Factor;

    /// <summary>Stored pixels as model input, written to <paramref name="destination"/> (at least as long).</summary>
    public static void ToUnit(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (destination.Length < pixels.Length)
            throw new ArgumentException(
                $"The destination holds {destination.Length} values; {pixels.Length} pixels were given.",
                nameof(destination));
        for (int i = 0; i < pixels.Length; i++) destination[i] = pixels[i] * Factor;
    }

    /// <summary>Stored pixels as a new array of model input.</summary>
    public static float[] ToUnit(ReadOnlySpan<byte> pixels)
    {
        var values = new float[pixels.Length];
        ToUnit(pixels, values);
        return values;
    }

    /// <summary>
    /// Whether <paramref name="value"/> is a valid model input: finite and within
    /// [<see cref="Minimum"/>, <see cref="Maximum"/>].
    /// </summary>
    public static bool IsValid(float value) => value >= Minimum && value <= Maximum;
}
