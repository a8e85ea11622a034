using AavaeMlNet.Evaluation.Io;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>
/// Originals above their reconstructions: a 2-row grid of images written as PNG by <see cref="PngEncoder"/>
/// (pixels need no plotting library). Each image is CHW floats in [0, 1] (values outside are clipped); 1 channel
/// is written as grayscale, 3 as RGB.
/// </summary>
public static class ReconstructionGrid
{
    /// <summary>Gap between cells, in output pixels, filled with white.</summary>
    public const int Gap = 2;

    /// <summary>
    /// The PNG width and height for <paramref name="count"/> image pairs of the given size and scale.
    /// </summary>
    public static (int Width, int Height) Size(int count, int height, int width, int scale) =>
        (count * width * scale + (count + 1) * Gap, 2 * height * scale + 3 * Gap);

    /// <summary>
    /// Writes the grid: top row <paramref name="originals"/>, bottom row <paramref name="reconstructions"/>, each image
    /// of shape (channels, height, width) flattened, enlarged <paramref name="scale"/> times by pixel replication.
    /// </summary>
    public static void Write(string path, IReadOnlyList<float[]> originals, IReadOnlyList<float[]> reconstructions,
        int channels, int height, int width, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(reconstructions);
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(
                nameof(channels), channels, "Expected 1 (grayscale) or 3 (RGB) channels.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        if (originals.Count == 0) throw new ArgumentException("Expected at least one image.", nameof(originals));
        if (reconstructions.Count != originals.Count)
            throw new ArgumentException(
                $"Expected {originals.Count} reconstructions (one per original), got {reconstructions.Count}.",
                nameof(reconstructions));

        var (gridWidth, gridHeight) = Size(originals.Count, height, width, scale);
        var pixels = new byte[gridWidth * gridHeight * channels];
        Array.Fill(pixels, (byte)255);
        for (int i = 0; i < originals.Count; i++)
        {
            int left = Gap + i * (width * scale + Gap);
            Paste(pixels, gridWidth, channels, originals[i], height, width, scale, left, Gap, nameof(originals));
            Paste(pixels, gridWidth, channels, reconstructions[i], height, width, scale, left,
                2 * Gap + height * scale, nameof(reconstructions));
        }
        PngEncoder.Write(path, pixels, gridWidth, gridHeight, channels);
    }

    private static void Paste(byte[] grid, int gridWidth, int channels, float[] image, int height, int width, int scale,
        int left, int top, string parameterName)
    {
        if (image.Length != channels * height * width)
            throw new ArgumentException(
                $"Expected images of {channels}x{height}x{width} = {channels * height * width} values, " +
                $"got {image.Length}.", parameterName);
        for (int y = 0; y < height * scale; y++)
        {
            for (int x = 0; x < width * scale; x++)
            {
                int target = ((top + y) * gridWidth + left + x) * channels;
                for (int c = 0; c < channels; c++)
                {
                    float value = image[(c * height + y / scale) * width + x / scale];
                    grid[target + c] = (byte)Math.Round(Math.Clamp(float.IsNaN(value) ? 0 : value, 0, 1) * 255);
                }
            }
        }
    }
}
