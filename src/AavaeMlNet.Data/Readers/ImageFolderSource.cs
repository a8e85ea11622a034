namespace AavaeMlNet.Data.Readers;

/// <summary>
/// Reads PNG and JPEG files from a folder, decoded through <see cref="ImagePixels"/>: the transforms of an ML.NET
/// pipeline LoadImages -> ResizeImages -> ConvertToGrayscale (1 channel), so a file gives the same pixels as there.
/// Layout and order are <see cref="ImageFileList"/>'s: class subfolders give labels, numbered by the subfolder names in
/// ordinal order (files inside a class folder are read recursively); a folder with only files is unlabeled; files are
/// read in ordinal order of their relative paths. Every image is converted to the
/// requested channel count and resized to the requested size as ResizeImages does by default (scaled to cover it,
/// centre cropped).
/// </summary>
public sealed class ImageFolderSource : ImageSource
{
    private readonly ImageFileList files;
    private readonly ImageFolderOptions options;
    private int skipped;

    /// <summary>Lists the image files under <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder mixes class subfolders with loose images.</exception>
    public ImageFolderSource(string directory, ImageFolderOptions? options = null)
    {
        this.options = options ?? new ImageFolderOptions();
        if (this.options.Channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(options), this.options.Channels, "Channels must be 1 or 3.");
        }
        if (this.options.Width < 1 || this.options.Height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Width and Height must be positive.");
        }
        files = ImageFileList.List(directory, this.options.Extensions);
        Info = new ImageSetInfo(this.options.Channels, this.options.Height, this.options.Width, files.ClassNames);
    }

    /// <inheritdoc/>
    public override ImageSetInfo Info { get; }

    /// <summary>Number of image files found (records actually read may be fewer when files are skipped).</summary>
    public override int Count => files.Count;

    /// <summary>
    /// Whether the first <paramref name="sample"/> readable images are grayscale: every pixel with equal red, green
    /// and blue (grayscale files, or grayscale photographs stored as RGB). Unreadable files are passed over here.
    /// </summary>
    public bool FirstImagesAreGrayscale(int sample = 64)
    {
        var decode = ImagePixels.FileDecoder(3, options.Height, options.Width);
        int plane = options.Height * options.Width, seen = 0;
        for (int i = 0; i < files.Count && seen < sample; i++)
        {
            string path = files.FullPath(i);
            byte[] rgb;
            try
            {
                if (ImageFileCheck.Problem(File.ReadAllBytes(path)) is not null) continue;
                rgb = decode(path);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                continue; // reading reports it, under the folder's own policy
            }
            var pixels = rgb.AsSpan();
            if (!pixels[..plane].SequenceEqual(pixels.Slice(plane, plane))
                || !pixels[..plane].SequenceEqual(pixels.Slice(2 * plane, plane)))
                return false;
            seen++;
        }
        return seen > 0;
    }

    /// <inheritdoc/>
    public override bool IsCountExact => options.OnUndecodable == UndecodableImagePolicy.Throw;

    /// <summary>Files skipped as undecodable so far, over all enumerations.</summary>
    public int SkippedCount => Volatile.Read(ref skipped);

    /// <summary>The files this source reads, in its order: record <c>Index</c> i is file i.</summary>
    public ImageFileList Files => files;

    /// <inheritdoc/>
    protected internal override IEnumerable<ImageRecord> ReadCore(int[]? ascendingIndices)
    {
        int n = ascendingIndices?.Length ?? files.Count;
        var decode = ImagePixels.FileDecoder(options.Channels, options.Height, options.Width);
        for (int k = 0; k < n; k++)
        {
            int i = ascendingIndices is null ? k : ascendingIndices[k];
            var (path, label) = (files.FullPath(i), files.Label(i));
            byte[]? pixels;
            try
            {
                // The decoder fills a truncated PNG or JPEG in without an error: check the file's structure first.
                if (ImageFileCheck.Problem(File.ReadAllBytes(path)) is { } problem)
                {
                    throw new InvalidDataException(problem);
                }
                pixels = decode(path);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var rejected = new RejectedImage(i, path, ex.Message.ReplaceLineEndings(" "));
                if (options.OnUndecodable == UndecodableImagePolicy.Throw)
                {
                    throw new InvalidDataException(rejected.Message, ex);
                }
                Interlocked.Increment(ref skipped);
                options.OnSkipped?.Invoke(rejected);
                continue;
            }
            yield return new ImageRecord(pixels, label, i);
        }
    }
}
