namespace AavaeMlNet.Data.Readers;

/// <summary>Which CIFAR-10 binary batches to read.</summary>
public enum Cifar10Split
{
    /// <summary>data_batch_1.bin .. data_batch_5.bin (50,000 records).</summary>
    Train,

    /// <summary>test_batch.bin (10,000 records).</summary>
    Test,
}

/// <summary>
/// Reads the CIFAR-10 binary version: each record is one label byte (0..9) followed by 3,072 pixel
/// bytes, the 1,024 red values of the 32x32 image row by row, then the green, then the blue plane.
/// That is already CHW order, so pixels are copied as they are.
/// </summary>
public sealed class Cifar10BinarySource : ImageSource
{
    /// <summary>Image side in pixels.</summary>
    public const int ImageSide = 32;

    /// <summary>Bytes per record: one label byte and 3 * 32 * 32 pixels.</summary>
    public const int RecordSize = 1 + 3 * ImageSide * ImageSide;

    /// <summary>The ten class names in label order, as in batches.meta.txt.</summary>
    public static IReadOnlyList<string> StandardClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    private readonly string[] files;
    private readonly int[] recordsPerFile;

    /// <summary>Reads the given batch files in order, as one sequence of records.</summary>
    /// <param name="batchFiles">Paths of CIFAR-10 binary batch files.</param>
    /// <param name="classNames">Class names; defaults to batches.meta.txt next to the first file, else
    /// <see cref="StandardClassNames"/>.</param>
    /// <exception cref="FileNotFoundException">A batch file is missing.</exception>
    /// <exception cref="InvalidDataException">A file's length is not a whole number of records.</exception>
    public Cifar10BinarySource(IEnumerable<string> batchFiles, IReadOnlyList<string>? classNames = null)
    {
        files = batchFiles.ToArray();
        if (files.Length == 0)
        {
            throw new ArgumentException("At least one CIFAR-10 batch file is required.", nameof(batchFiles));
        }
        recordsPerFile = new int[files.Length];
        for (int i = 0; i < files.Length; i++)
        {
            var fi = new FileInfo(files[i]);
            if (!fi.Exists)
            {
                throw new FileNotFoundException($"CIFAR-10 batch file '{files[i]}' does not exist.", files[i]);
            }
            if (fi.Length % RecordSize != 0)
            {
                long whole = fi.Length / RecordSize;
                throw new InvalidDataException(
                    $"File '{files[i]}' has {fi.Length} bytes, " +
                    $"not a multiple of the {RecordSize}-byte CIFAR-10 record: " +
                    $"record {whole} at byte offset {whole * RecordSize} is truncated.");
            }
            recordsPerFile[i] = checked((int)(fi.Length / RecordSize));
        }
        var names = classNames
            ?? ReadMetaClassNames(Path.GetDirectoryName(Path.GetFullPath(files[0]))!)
            ?? StandardClassNames;
        Info = new ImageSetInfo(3, ImageSide, ImageSide, names);
        Count = recordsPerFile.Sum();
    }

    /// <summary>
    /// Opens the standard batch files of <paramref name="split"/> in <paramref name="directory"/>
    /// (or in its cifar-10-batches-bin subfolder, as the official tarball extracts).
    /// </summary>
    public static Cifar10BinarySource Open(string directory, Cifar10Split split)
    {
        string dir = File.Exists(Path.Combine(directory, "batches.meta.txt"))
            || !Directory.Exists(Path.Combine(directory, "cifar-10-batches-bin"))
            ? directory
            : Path.Combine(directory, "cifar-10-batches-bin");
        string[] names = split == Cifar10Split.Train
            ? Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray()
            : ["test_batch.bin"];
        return new Cifar10BinarySource(names.Select(n => Path.Combine(dir, n)));
    }

    /// <inheritdoc/>
    public override ImageSetInfo Info { get; }

    /// <inheritdoc/>
    public override int Count { get; }

    /// <summary>Class names from batches.meta.txt (one per non-empty line), or null when the file is absent.</summary>
    private static string[]? ReadMetaClassNames(string directory)
    {
        string meta = Path.Combine(directory, "batches.meta.txt");
        if (!File.Exists(meta))
        {
            return null;
        }
        var names = File.ReadAllLines(meta).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length == 0)
        {
            throw new InvalidDataException($"File '{meta}' lists no class names; expected one name per line.");
        }
        return names;
    }

    /// <inheritdoc/>
    protected internal override IEnumerable<ImageRecord> ReadCore(int[]? ascendingIndices)
    {
        int firstIndex = 0;
        int next = 0; // position in ascendingIndices
        for (int f = 0; f < files.Length; f++)
        {
            int n = recordsPerFile[f];
            if (ascendingIndices is not null
                && (next >= ascendingIndices.Length || ascendingIndices[next] >= firstIndex + n))
            {
                firstIndex += n;
                continue;
            }
            using var stream = RecordStream.Open(files[f]);
            var buffer = new byte[RecordSize];
            for (int local = 0; local < n; local++)
            {
                int index = firstIndex + local;
                if (ascendingIndices is not null)
                {
                    if (next >= ascendingIndices.Length || ascendingIndices[next] >= firstIndex + n)
                    {
                        break;
                    }
                    local = ascendingIndices[next++] - firstIndex;
                    index = firstIndex + local;
                }
                long offset = (long)local * RecordSize;
                stream.SkipTo(offset, $"record {local}");
                stream.ReadExactly(buffer, $"record {local}");
                int label = buffer[0];
                if (label >= Info.ClassNames.Count)
                {
                    throw DataErrors.LabelOutOfRange(files[f], local, offset, label, $"0..{Info.ClassNames.Count - 1}");
                }
                yield return new ImageRecord(buffer.AsSpan(1).ToArray(), label, index);
            }
            firstIndex += n;
        }
    }
}
