using System.Text;

namespace AavaeMlNet.Io;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new one, never a partial file: the bytes
/// go to a temporary sibling (named per writer: process id and a GUID, so concurrent writers never share one), are
/// flushed to disk, then one rename replaces the target (atomic on the same file system). On any failure the
/// temporary file is deleted and the previous file is left as it was.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes what <paramref name="write"/> puts into the stream to <paramref name="path"/>, atomically.
    /// </summary>
    /// <remarks>The stream is readable and seekable too (a Parquet append reads the footer it wrote).</remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temporary) = Prepare(path);
        try
        {
            using (var stream = CreateTemporary(full, temporary))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>As <see cref="Write"/>, for writers that are asynchronous.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temporary) = Prepare(path);
        try
        {
            await using (var stream = CreateTemporary(full, temporary))
            {
                await write(stream, cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically (creating the folder if needed).
    /// </summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        // A span cannot enter a lambda: copy once (these files are small: reports, images, journals).
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without byte-order mark to <paramref name="path"/>, atomically.
    /// </summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream => stream.Write(Utf8NoBom.GetBytes(text)));
    }

    private static (string Full, string Temporary) Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"Path '{path}' has no folder.", nameof(path));
        Directory.CreateDirectory(folder);
        string name = $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        return (full, Path.Combine(folder, name));
    }

    // The first write into the folder is where a read-only folder or file system shows: name the target, not only the
    // temporary file, so the message says which file could not be written.
    private static FileStream CreateTemporary(string full, string temporary)
    {
        try
        {
            return new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException(CannotWrite(full, e), e);
        }
        catch (IOException e) when (e.GetType() == typeof(IOException))
        {
            throw new IOException(CannotWrite(full, e), e);
        }
    }

    private static string CannotWrite(string full, Exception e) =>
        $"Cannot write '{full}': its folder does not accept the temporary file of an atomic write ({e.Message}).";
}
