using AavaeMlNet.Evaluation.Io;

namespace AavaeMlNet.Evaluation.Plots;

/// <summary>
/// Images in rows, written as one PNG by <see cref="PngEncoder"/> (pixels need no plotting library): e.g. query images
/// beside their nearest neighbours, or originals above their reconstructions. Each image is CHW floats in [0, 1]
/// (values outside are clipped, NaN is black); 1 channel is written as grayscale, 3 as RGB; cells are separated by
/// white gaps and rows may differ in length (missing cells stay white).
/// </summary>
public static class ImageGrid
{
    /// <summary>Gap between cells, in output pixels, filled with white.</summary>
    public const int Gap = 2;

    /// <summary>The PNG width and height for a grid of the given rows and columns, image size and scale.</summary>
    public static (int Width, int Height) Size(int rows, int columns, int height, int width, int scale) =>
        (columns * width * scale + (columns + 1) * Gap, rows * height * scale + (rows + 1) * Gap);

    /// <summary>
    /// Writes <paramref name="rows"/> of images, each of shape (channels, height, width) flattened, enlarged
    /// <paramref name="scale"/> times by pixel replication.
    /// </summary>
    /// <exception cref="ArgumentException">No image, or an image of another size (naming its row and column).
    /// </exception>
    public static void Write(string path, IReadOnlyList<IReadOnlyList<float[]>> rows, int channels, int height,
        int width, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(
                nameof(channels), channels, "Expected 1 (grayscale) or 3 (RGB) channels.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        int columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        if (columns == 0) throw new ArgumentException("Expected at least one image.", nameof(rows));

        var (gridWidth, gridHeight) = Size(rows.Count, columns, height, width, scale);
        var pixels = new byte[gridWidth * gridHeight * channels];
        Array.Fill(pixels, (byte)255);
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < rows[r].Count; c++)
            {
                var image = rows[r][c];
                if (image.Length != channels * height * width)
                    throw new ArgumentException(
                        $"Image {c} of row {r}: expected {channels}x{height}x{width} = {channels * height * width} " +
                        $"values, got {image.Length}.", nameof(rows));
                Paste(pixels, gridWidth, channels, image, height, width, scale,
                    Gap + c * (width * scale + Gap), Gap + r * (height * scale + Gap));
            }
        }
        PngEncoder.Write(path, pixels, gridWidth, gridHeight, channels);
    }

    private static void Paste(byte[] grid, int gridWidth, int channels, float[] image, int height, int width, int scale,
        int left, int top)
    {
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
