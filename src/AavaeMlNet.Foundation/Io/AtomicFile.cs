using System.Text;

namespace AavaeMlNet.Io;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new one, never a partial file: the bytes
/// go to a temporary sibling (named per writer: process id and a GUID, so concurrent writers never share one), are
/// flushed to disk, then one rename replaces the target (atomic on the same file system). On any failure the
/// temporary file is deleted and the previous file is left as it was; an I/O failure (disk full, a file-size limit,
/// a folder in the target's place) is an <see cref="IOException"/> whose message names the target.
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
            var stream = CreateTemporary(full, temporary);
            try
            {
                using (stream)
                {
                    write(stream);
                    stream.FlushToDisk();
                }
            }
            catch (Exception e) when (stream.Failure is { } failure)
            {
                throw WriteFailed(full, failure, e);
            }
            Replace(temporary, full);
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
            var stream = CreateTemporary(full, temporary);
            try
            {
                await using (stream)
                {
                    await write(stream, cancellationToken);
                    stream.FlushToDisk();
                }
            }
            catch (Exception e) when (stream.Failure is { } failure)
            {
                throw WriteFailed(full, failure, e);
            }
            Replace(temporary, full);
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
    private static WatchedFileStream CreateTemporary(string full, string temporary)
    {
        try
        {
            return new(new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None));
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

    // Disk full (ENOSPC), a file-size limit (EFBIG, which .NET reports as an ArgumentOutOfRangeException) or an I/O
    // error while the bytes go out: the file's exception names neither file, and a writer may have wrapped it in its
    // own; name the target, give the file's reason and say that the target was not touched.
    private static IOException WriteFailed(string full, Exception failure, Exception thrown) =>
        new($"Cannot write '{full}': {failure.Message} The previous file, if any, is unchanged.", thrown);

    private static void Replace(string temporary, string full)
    {
        try
        {
            File.Move(temporary, full, overwrite: true);
        }
        catch (IOException e) when (e.GetType() == typeof(IOException))
        {
            throw WriteFailed(full, e, e);
        }
    }

    private static string CannotWrite(string full, Exception e) =>
        $"Cannot write '{full}': its folder does not accept the temporary file of an atomic write ({e.Message}).";
}
