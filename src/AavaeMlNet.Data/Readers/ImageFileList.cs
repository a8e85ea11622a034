using System.Text;

namespace AavaeMlNet.Data.Readers;

/// <summary>
/// The image files of a folder, in the order <see cref="ImageFolderSource"/> reads them: one subfolder per class
/// (class folders in ordinal order of their names, labels numbered in that order, files inside a class folder found
/// recursively), or a flat folder of unlabeled files. Within a class folder, files are in code point order of their
/// relative paths (ordinal order for every path without characters beyond U+FFFF).
/// <para>Built for folders of millions of files: the listing is streamed from the file system and kept as one block
/// of UTF-8 relative paths plus one offset per file (about 8 bytes per file beyond the path's own bytes), not as one
/// string per file; strings are made only when a path is asked for.</para>
/// </summary>
public sealed class ImageFileList
{
    private readonly string root;
    private readonly byte[] utf8;
    private readonly int[] starts; // starts[i]..starts[i] + length: file i's relative path (sorted order)
    private readonly int[] lengths;
    private readonly int[] classStarts; // file index where class k begins; one extra entry = Count

    private ImageFileList(string root, byte[] utf8, int[] starts, int[] lengths, int[] classStarts,
        IReadOnlyList<string> classNames)
    {
        (this.root, this.utf8, this.starts, this.lengths, this.classStarts) =
            (root, utf8, starts, lengths, classStarts);
        ClassNames = classNames;
    }

    /// <summary>Number of image files.</summary>
    public int Count => starts.Length;

    /// <summary>The class folder names in label order; empty for a flat folder.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The path of file <paramref name="index"/> relative to the listed folder.</summary>
    public string RelativePath(int index) => Encoding.UTF8.GetString(utf8, starts[index], lengths[index]);

    /// <summary>The path of file <paramref name="index"/> under the folder as it was named to
    /// <see cref="List"/>.</summary>
    public string FullPath(int index) => Path.Join(root, RelativePath(index));

    /// <summary>The label of file <paramref name="index"/>: its class folder's position, or
    /// <see cref="ImageRecord.NoLabel"/> in a flat folder.</summary>
    public int Label(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        if (ClassNames.Count == 0) return ImageRecord.NoLabel;
        int found = Array.BinarySearch(classStarts, index);
        // An exact hit may be the start of empty classes that share the index: the last of them holds the file.
        if (found < 0) return ~found - 1;
        while (found + 1 < ClassNames.Count && classStarts[found + 1] == index) found++;
        return found;
    }

    /// <summary>Lists the files under <paramref name="directory"/> whose extension is one of
    /// <paramref name="extensions"/> (case-insensitive).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder mixes class subfolders with loose images.</exception>
    public static ImageFileList List(string directory, IReadOnlyCollection<string> extensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Image folder '{directory}' does not exist.");
        string root = directory;
        bool IsImage(string path) =>
            extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
        var classDirs = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray();
        var builder = new Builder(root);
        if (classDirs.Length == 0)
        {
            builder.AddSorted(Directory.EnumerateFiles(root, "*", SearchOption.TopDirectoryOnly).Where(IsImage));
            return builder.Build([]);
        }
        if (Directory.EnumerateFiles(root, "*", SearchOption.TopDirectoryOnly).FirstOrDefault(IsImage) is { } loose)
        {
            throw new InvalidDataException(
                $"Image folder '{directory}' has class subfolders and also loose image files such as '{loose}'; " +
                "expected either one subfolder per class or a flat folder of unlabeled images.");
        }
        foreach (string classDir in classDirs)
            builder.AddSorted(Directory.EnumerateFiles(classDir, "*", SearchOption.AllDirectories).Where(IsImage));
        return builder.Build(classDirs.Select(d => Path.GetFileName(d)!).ToArray());
    }

    private sealed class Builder(string root)
    {
        private readonly MemoryStream utf8 = new();
        private readonly List<int> starts = [];
        private readonly List<int> lengths = [];
        private readonly List<int> classStarts = [];

        // One class (or the flat folder): appends its paths as they stream in, then sorts that range by its bytes.
        public void AddSorted(IEnumerable<string> fullPaths)
        {
            int first = starts.Count;
            classStarts.Add(first);
            Span<byte> buffer = stackalloc byte[1024];
            foreach (string path in fullPaths)
            {
                var relative = Path.GetRelativePath(root, path).AsSpan();
                int length = Encoding.UTF8.GetByteCount(relative);
                var bytes = length <= buffer.Length ? buffer[..length] : new byte[length];
                Encoding.UTF8.GetBytes(relative, bytes);
                starts.Add(checked((int)utf8.Length));
                lengths.Add(length);
                utf8.Write(bytes);
            }
            var block = utf8.GetBuffer();
            var order = Enumerable.Range(first, starts.Count - first).ToArray();
            Array.Sort(order, (a, b) => block.AsSpan(starts[a], lengths[a])
                .SequenceCompareTo(block.AsSpan(starts[b], lengths[b])));
            var (sortedStarts, sortedLengths) = (order.Select(i => starts[i]).ToArray(),
                order.Select(i => lengths[i]).ToArray());
            for (int k = 0; k < order.Length; k++)
                (starts[first + k], lengths[first + k]) = (sortedStarts[k], sortedLengths[k]);
        }

        public ImageFileList Build(IReadOnlyList<string> classNames) =>
            new(root, utf8.ToArray(), starts.ToArray(), lengths.ToArray(), [.. classStarts, starts.Count],
                classNames);
    }
}
