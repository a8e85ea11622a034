namespace AavaeMlNet.Evaluation.Plots;

/// <summary>
/// Originals above their reconstructions: an <see cref="ImageGrid"/> of two rows. Each image is CHW floats in [0, 1]
/// (values outside are clipped); 1 channel is written as grayscale, 3 as RGB.
/// </summary>
public static class ReconstructionGrid
{
    /// <summary>Gap between cells, in output pixels, filled with white.</summary>
    public const int Gap = ImageGrid.Gap;

    /// <summary>
    /// The PNG width and height for <paramref name="count"/> image pairs of the given size and scale.
    /// </summary>
    public static (int Width, int Height) Size(int count, int height, int width, int scale) =>
        ImageGrid.Size(2, count, height, width, scale);

    /// <summary>
    /// Writes the grid: top row <paramref name="originals"/>, bottom row <paramref name="reconstructions"/>, each image
    /// of shape (channels, height, width) flattened, enlarged <paramref name="scale"/> times by pixel replication.
    /// </summary>
    public static void Write(string path, IReadOnlyList<float[]> originals, IReadOnlyList<float[]> reconstructions,
        int channels, int height, int width, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(reconstructions);
        if (originals.Count == 0) throw new ArgumentException("Expected at least one image.", nameof(originals));
        if (reconstructions.Count != originals.Count)
            throw new ArgumentException(
                $"Expected {originals.Count} reconstructions (one per original), got {reconstructions.Count}.",
                nameof(reconstructions));
        ImageGrid.Write(path, [originals, reconstructions], channels, height, width, scale);
    }
}
