namespace AavaeMlNet.Data.Readers;

/// <summary>Which STL-10 binary files to read.</summary>
public enum Stl10Split
{
    /// <summary>train_X.bin and train_y.bin (5,000 labeled records).</summary>
    Train,

    /// <summary>test_X.bin and test_y.bin (8,000 labeled records).</summary>
    Test,

    /// <summary>unlabeled_X.bin (100,000 records, no labels).</summary>
    Unlabeled,
}

/// <summary>
/// Reads the STL-10 binary version: 96x96x3 uint8 images stored channel by channel (R, G, B), and
/// within a channel COLUMN-major (MATLAB order), so each plane is transposed into row-major CHW.
/// Labels in the _y files are 1..10 and come out as 0..9.
/// </summary>
public sealed class Stl10BinarySource : ImageSource
{
    /// <summary>Image side in pixels.</summary>
    public const int ImageSide = 96;

    /// <summary>Bytes per image: 3 * 96 * 96.</summary>
    public const int ImageBytes = 3 * ImageSide * ImageSide;

    /// <summary>The ten class names in label order, as in class_names.txt.</summary>
    public static IReadOnlyList<string> StandardClassNames { get; } =
        ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"];

    private readonly string imagesPath;
    private readonly string? labelsPath;

    /// <summary>
    /// Reads <paramref name="imagesPath"/> (an _X.bin file) and, when given, its labels file (a _y.bin file).
    /// </summary>
    /// <param name="imagesPath">Path of the image file.</param>
    /// <param name="labelsPath">Path of the label file, or null for the unlabeled split.</param>
    /// <param name="classNames">Class names; defaults to class_names.txt next to the images, else
    /// <see cref="StandardClassNames"/>.</param>
    /// <exception cref="InvalidDataException">A file has a wrong length or the counts differ.</exception>
    public Stl10BinarySource(string imagesPath, string? labelsPath, IReadOnlyList<string>? classNames = null)
    {
        this.imagesPath = imagesPath;
        this.labelsPath = labelsPath;
        var images = new FileInfo(imagesPath);
        if (!images.Exists)
        {
            throw new FileNotFoundException($"STL-10 image file '{imagesPath}' does not exist.", imagesPath);
        }
        if (images.Length % ImageBytes != 0)
        {
            long whole = images.Length / ImageBytes;
            throw new InvalidDataException(
                $"File '{imagesPath}' has {images.Length} bytes, " +
                $"not a multiple of the {ImageBytes}-byte STL-10 image: " +
                $"record {whole} at byte offset {whole * ImageBytes} is truncated.");
        }
        Count = checked((int)(images.Length / ImageBytes));
        IReadOnlyList<string> names = [];
        if (labelsPath is not null)
        {
            var labels = new FileInfo(labelsPath);
            if (!labels.Exists)
            {
                throw new FileNotFoundException($"STL-10 label file '{labelsPath}' does not exist.", labelsPath);
            }
            if (labels.Length != Count)
            {
                throw DataErrors.CountMismatch(imagesPath, Count, labelsPath, labels.Length);
            }
            names = classNames
                ?? ReadClassNames(Path.GetDirectoryName(Path.GetFullPath(imagesPath))!)
                ?? StandardClassNames;
        }
        Info = new ImageSetInfo(3, ImageSide, ImageSide, names);
    }

    /// <summary>
    /// Opens the standard files of <paramref name="split"/> in <paramref name="directory"/>
    /// (or its stl10_binary subfolder).
    /// </summary>
    public static Stl10BinarySource Open(string directory, Stl10Split split)
    {
        string dir = Directory.Exists(Path.Combine(directory, "stl10_binary"))
            ? Path.Combine(directory, "stl10_binary")
            : directory;
        return split switch
        {
            Stl10Split.Train =>
                new Stl10BinarySource(Path.Combine(dir, "train_X.bin"), Path.Combine(dir, "train_y.bin")),
            Stl10Split.Test => new Stl10BinarySource(Path.Combine(dir, "test_X.bin"), Path.Combine(dir, "test_y.bin")),
            Stl10Split.Unlabeled => new Stl10BinarySource(Path.Combine(dir, "unlabeled_X.bin"), null),
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown STL-10 split."),
        };
    }

    /// <inheritdoc/>
    public override ImageSetInfo Info { get; }

    /// <inheritdoc/>
    public override int Count { get; }

    private static string[]? ReadClassNames(string directory)
    {
        string file = Path.Combine(directory, "class_names.txt");
        if (!File.Exists(file))
        {
            return null;
        }
        var names = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        return names.Length > 0
            ? names
            : throw new InvalidDataException($"File '{file}' lists no class names; expected one name per line.");
    }

    /// <summary>
    /// Copies one column-major plane set into row-major CHW: stored[c, x, y] becomes pixel (row y, column x).
    /// </summary>
    internal static void TransposeToChw(ReadOnlySpan<byte> stored, Span<byte> chw)
    {
        const int plane = ImageSide * ImageSide;
        for (int c = 0; c < 3; c++)
        {
            var src = stored.Slice(c * plane, plane);
            var dst = chw.Slice(c * plane, plane);
            for (int x = 0; x < ImageSide; x++)
            {
                for (int y = 0; y < ImageSide; y++)
                {
                    dst[y * ImageSide + x] = src[x * ImageSide + y];
                }
            }
        }
    }

    /// <inheritdoc/>
    protected internal override IEnumerable<ImageRecord> ReadCore(int[]? ascendingIndices)
    {
        using var images = RecordStream.Open(imagesPath);
        using var labels = labelsPath is null ? null : RecordStream.Open(labelsPath);
        var stored = new byte[ImageBytes];
        var label = new byte[1];
        int n = ascendingIndices?.Length ?? Count;
        for (int k = 0; k < n; k++)
        {
            int i = ascendingIndices is null ? k : ascendingIndices[k];
            long offset = (long)i * ImageBytes;
            images.SkipTo(offset, $"record {i}");
            images.ReadExactly(stored, $"record {i}");
            var chw = new byte[ImageBytes];
            TransposeToChw(stored, chw);
            int value = ImageRecord.NoLabel;
            if (labels is not null)
            {
                labels.SkipTo(i, $"label {i}");
                labels.ReadExactly(label, $"label {i}");
                if (label[0] < 1 || label[0] > Info.ClassNames.Count)
                {
                    throw DataErrors.LabelOutOfRange(labelsPath!, i, i, label[0],
                        $"1..{Info.ClassNames.Count} (STL-10 labels are 1-based)");
                }
                value = label[0] - 1;
            }
            yield return new ImageRecord(chw, value, i);
        }
    }
}
