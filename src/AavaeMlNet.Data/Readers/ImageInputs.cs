using AavaeMlNet.Data.Manifests;

namespace AavaeMlNet.Data.Readers;

/// <summary>
/// The one grammar for `--input`, `--train` and `--test`:
/// <list type="bullet">
/// <item>a directory: an image folder (class subfolders give labels), decoded at the model's image size;</item>
/// <item>a file: IDX images, raw or gzip'd; labels from <c>labels</c>, else from the sibling file named like the images
/// with "images-idx3" replaced by "labels-idx1" (the MNIST naming), when it exists;</item>
/// <item><c>MANIFEST@PART</c>: a subset or split part (e.g. <c>fashion-mnist@test</c>, <c>my.json@pretrain</c>) of a
/// built-in or file manifest, read from the data directory.</item>
/// </list>
/// </summary>
public static class ImageInputs
{
    /// <summary>Opens <paramref name="spec"/> as a streaming image source.</summary>
    /// <param name="spec">Folder, IDX file or MANIFEST@PART.</param>
    /// <param name="shape">Image shape for folders (and the shape every input must have, when known).</param>
    /// <param name="labels">Explicit IDX labels file, or null.</param>
    /// <param name="dataDirectory">Directory of manifest data sets.</param>
    /// <param name="rejects">For a folder: skip files that cannot be read and record them here; null fails on the
    /// first one (<see cref="UndecodableImagePolicy"/>).</param>
    public static ImageSource Open(string spec, (int Channels, int Height, int Width)? shape, string? labels = null,
        string? dataDirectory = null, RejectsFile? rejects = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        ImageSource source;
        if (Directory.Exists(spec))
        {
            var (c, h, w) = shape ?? (3, 32, 32);
            source = new ImageFolderSource(spec, new ImageFolderOptions
            {
                Channels = c,
                Height = h,
                Width = w,
                OnUndecodable = rejects is null ? UndecodableImagePolicy.Throw : UndecodableImagePolicy.Skip,
                OnSkipped = rejects is null ? null : rejects.Add,
            });
        }
        else if (File.Exists(spec))
        {
            source = new IdxSource(spec, labels ?? SiblingLabels(spec));
        }
        else if (spec.LastIndexOf('@') is var at and > 0)
        {
            if (dataDirectory is null)
                throw new ArgumentException(
                    $"Input '{spec}' names a manifest: give its data directory as dataDirectory.",
                    nameof(dataDirectory));
            source = ManifestSources.Open(ManifestSources.Load(spec[..at]), dataDirectory, spec[(at + 1)..]);
        }
        else
        {
            throw new FileNotFoundException(
                $"Input '{spec}' does not exist: expected an image folder, an IDX images file or MANIFEST@PART.", spec);
        }
        if (shape is { } expected && (source.Info.Channels, source.Info.Height, source.Info.Width) != expected)
            throw new ArgumentException(
                $"Input '{spec}' holds {source.Info.Channels}x{source.Info.Height}x{source.Info.Width} images; the " +
                $"model takes {expected.Channels}x{expected.Height}x{expected.Width}.");
        return source;
    }

    private static string? SiblingLabels(string images)
    {
        string name = Path.GetFileName(images);
        if (!name.Contains("images-idx3", StringComparison.Ordinal)) return null;
        string sibling =
            Path.Combine(Path.GetDirectoryName(images) ?? ".",
            name.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal));
        return File.Exists(sibling) ? sibling : null;
    }
}
