using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AavaeMlNet.Training;

/// <summary>
/// What a run trains on, as its checkpoints record it so that a resume on other data is caught: the image count, the
/// image shape and a SHA-256 of the first <see cref="SampledImages"/> images in stored order. Another folder, another
/// subset, a reordering or a changed first image change it; reading it costs a few images, never a pass.
/// </summary>
/// <param name="Count">Images in one epoch.</param>
/// <param name="Channels">Channels of every image.</param>
/// <param name="Height">Height of every image.</param>
/// <param name="Width">Width of every image.</param>
/// <param name="SampleHash">Hex SHA-256 of the sampled images' float32 pixels, in order.</param>
public sealed record DataFingerprint(long Count, int Channels, int Height, int Width, string SampleHash)
{
    /// <summary>Images read into <see cref="SampleHash"/>: the first ones of the data.</summary>
    public const int SampledImages = 16;

    /// <summary>The fingerprint of <paramref name="count"/> images of <paramref name="shape"/> whose first ones (at
    /// most <see cref="SampledImages"/>, CHW float32) are <paramref name="firstImages"/>.</summary>
    public static DataFingerprint Of(long count, (int Channels, int Height, int Width) shape,
        IEnumerable<ReadOnlyMemory<float>> firstImages)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var image in firstImages.Take(SampledImages)) sha.AppendData(MemoryMarshal.AsBytes(image.Span));
        return new DataFingerprint(count, shape.Channels, shape.Height, shape.Width,
            Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>How this data differs from the <paramref name="recorded"/> one, one phrase each; empty: the same.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(DataFingerprint recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var differences = new List<string>();
        if (Count != recorded.Count)
            differences.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Count:N0} images where the checkpoint's run had {recorded.Count:N0}"));
        if ((Channels, Height, Width) != (recorded.Channels, recorded.Height, recorded.Width))
            differences.Add($"{Channels}x{Height}x{Width} images where it had " +
                $"{recorded.Channels}x{recorded.Height}x{recorded.Width}");
        if (SampleHash != recorded.SampleHash)
            differences.Add($"other pixels in the first {SampledImages} images (another folder, subset or order)");
        return differences;
    }
}
