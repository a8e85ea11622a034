using System.Text;
using AavaeMlNet.Io;

namespace AavaeMlNet.Data.Readers;

/// <summary>
/// Collects the images a job skipped (each file once, however often it is read) and writes them as CSV with the
/// header "path,reason", atomically.
/// </summary>
public sealed class RejectsFile
{
    private readonly SortedDictionary<int, RejectedImage> rejected = [];

    /// <summary>Records a skipped image (thread-safe; a file seen again is kept once).</summary>
    public void Add(RejectedImage image)
    {
        lock (rejected) rejected.TryAdd(image.Index, image);
    }

    /// <summary>Files recorded so far.</summary>
    public int Count
    {
        get { lock (rejected) return rejected.Count; }
    }

    /// <summary>The recorded images in source order.</summary>
    public IReadOnlyList<RejectedImage> Images
    {
        get { lock (rejected) return [.. rejected.Values]; }
    }

    /// <summary>Writes every recorded image to <paramref name="path"/> (a header alone when none).</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, Format(Images));

    /// <summary>The CSV text of <paramref name="images"/>: header path,reason, one quoted row per file.</summary>
    public static string Format(IEnumerable<RejectedImage> images)
    {
        var text = new StringBuilder("path,reason\n");
        foreach (var image in images)
            text.Append(CsvField.Quote(image.Path)).Append(',').Append(CsvField.Quote(image.Reason)).Append('\n');
        return text.ToString();
    }
}
