namespace AavaeMlNet.Data.Readers;

/// <summary>
/// Reads IDX files (MNIST, Fashion-MNIST), raw or gzip'd (detected by the gzip magic, not the name).
/// Images: big-endian magic 0x00000803 (unsigned bytes, 3 dimensions), then count, rows, columns,
/// then count * rows * columns pixel bytes row-major. Labels: magic 0x00000801, count, then one byte
/// per label (0-based class index). Images come out as 1 x rows x columns.
/// </summary>
public sealed class IdxSource : ImageSource
{
    /// <summary>Magic number of an unsigned-byte, three-dimensional IDX file (images).</summary>
    public const uint ImagesMagic = 0x00000803;

    /// <summary>Magic number of an unsigned-byte, one-dimensional IDX file (labels).</summary>
    public const uint LabelsMagic = 0x00000801;

    private const int ImagesHeaderSize = 16;
    private const int LabelsHeaderSize = 8;

    private readonly string imagesPath;
    private readonly string? labelsPath;

    /// <summary>Opens an IDX image file and, optionally, its label file; reads and checks both headers.</summary>
    /// <param name="imagesPath">The images file (e.g. train-images-idx3-ubyte.gz).</param>
    /// <param name="labelsPath">The labels file, or null for unlabeled use.</param>
    /// <param name="classNames">Class names by label; defaults to the digits "0".."9" when labels are given.</param>
    /// <exception cref="InvalidDataException">Wrong magic number, bad dimensions, wrong length
    /// or a count mismatch.</exception>
    public IdxSource(string imagesPath, string? labelsPath = null, IReadOnlyList<string>? classNames = null)
    {
        this.imagesPath = imagesPath;
        this.labelsPath = labelsPath;
        int count, rows, columns;
        using (var images = RecordStream.Open(imagesPath))
        {
            uint magic = images.ReadUInt32BigEndian("the IDX header");
            if (magic != ImagesMagic)
            {
                throw DataErrors.WrongMagic(imagesPath, magic, ImagesMagic,
                    "IDX unsigned-byte images with 3 dimensions");
            }
            count = ReadDimension(images, "image count", 0, int.MaxValue);
            rows = ReadDimension(images, "row count", 1, 65535);
            columns = ReadDimension(images, "column count", 1, 65535);
            if (!images.IsGzip)
            {
                long expected = ImagesHeaderSize + (long)count * rows * columns;
                long length = new FileInfo(imagesPath).Length;
                if (length != expected)
                {
                    throw DataErrors.BadLength(imagesPath, length,
                        $"{expected} (16-byte header + {count} images of {rows}x{columns})");
                }
            }
        }
        IReadOnlyList<string> names = [];
        if (labelsPath is not null)
        {
            using var labels = RecordStream.Open(labelsPath);
            uint magic = labels.ReadUInt32BigEndian("the IDX header");
            if (magic != LabelsMagic)
            {
                throw DataErrors.WrongMagic(labelsPath, magic, LabelsMagic,
                    "IDX unsigned-byte labels with 1 dimension");
            }
            int labelCount = ReadDimension(labels, "label count", 0, int.MaxValue);
            if (labelCount != count)
            {
                throw DataErrors.CountMismatch(imagesPath, count, labelsPath, labelCount);
            }
            if (!labels.IsGzip)
            {
                long length = new FileInfo(labelsPath).Length;
                if (length != LabelsHeaderSize + (long)labelCount)
                {
                    throw DataErrors.BadLength(labelsPath, length,
                        $"{LabelsHeaderSize + (long)labelCount} (8-byte header + {labelCount} labels)");
                }
            }
            names = classNames ?? Enumerable.Range(0, 10)
                .Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();
        }
        Count = count;
        Info = new ImageSetInfo(1, rows, columns, names);
    }

    /// <inheritdoc/>
    public override ImageSetInfo Info { get; }

    /// <inheritdoc/>
    public override int Count { get; }

    private static int ReadDimension(RecordStream stream, string what, int min, int max)
    {
        long offset = stream.Position;
        uint value = stream.ReadUInt32BigEndian(what);
        if (value < min || value > max)
        {
            throw new InvalidDataException(
                $"File '{stream.Path}' has {what} {value} at byte offset {offset}, expected a value in {min}..{max}.");
        }
        return (int)value;
    }

    /// <inheritdoc/>
    protected internal override IEnumerable<ImageRecord> ReadCore(int[]? ascendingIndices)
    {
        using var images = RecordStream.Open(imagesPath);
        using var labels = labelsPath is null ? null : RecordStream.Open(labelsPath);
        int size = Info.PixelCount;
        var label = new byte[1];
        int n = ascendingIndices?.Length ?? Count;
        for (int k = 0; k < n; k++)
        {
            int i = ascendingIndices is null ? k : ascendingIndices[k];
            images.SkipTo(ImagesHeaderSize + (long)i * size, $"image {i}");
            var pixels = new byte[size];
            images.ReadExactly(pixels, $"image {i}");
            int value = ImageRecord.NoLabel;
            if (labels is not null)
            {
                long offset = LabelsHeaderSize + (long)i;
                labels.SkipTo(offset, $"label {i}");
                labels.ReadExactly(label, $"label {i}");
                if (label[0] >= Info.ClassNames.Count)
                {
                    throw DataErrors.LabelOutOfRange(labelsPath!, i, offset, label[0],
                        $"0..{Info.ClassNames.Count - 1}");
                }
                value = label[0];
            }
            yield return new ImageRecord(pixels, value, i);
        }
    }
}
