namespace AavaeMlNet.Data.Readers;

/// <summary>How an <see cref="ImageFolderSource"/> decodes and shapes images.</summary>
public sealed class ImageFolderOptions
{
    /// <summary>Output width in pixels; images of another size are resized (bilinear). Default 32.</summary>
    public int Width { get; init; } = 32;

    /// <summary>Output height in pixels; images of another size are resized (bilinear). Default 32.</summary>
    public int Height { get; init; } = 32;

    /// <summary>
    /// Output channels: 1 (grayscale, ITU-R BT.601 luma) or 3 (RGB; grayscale files are replicated). Default 3.
    /// </summary>
    public int Channels { get; init; } = 3;

    /// <summary>
    /// What to do with files that cannot be decoded. Default <see cref="UndecodableImagePolicy.Throw"/>.
    /// </summary>
    public UndecodableImagePolicy OnUndecodable { get; init; } = UndecodableImagePolicy.Throw;

    /// <summary>
    /// Called for each skipped file (with <see cref="UndecodableImagePolicy.Skip"/>), e.g.
    /// <see cref="RejectsFile.Add"/>.
    /// </summary>
    public Action<RejectedImage>? OnSkipped { get; init; }

    /// <summary>File extensions treated as images (case-insensitive). Default .png, .jpg, .jpeg.</summary>
    public IReadOnlyCollection<string> Extensions { get; init; } = [".png", ".jpg", ".jpeg"];
}
