using System.IO.Compression;

namespace AavaeMlNet.Data.Readers;

/// <summary>
/// A read-only byte stream over one data file (raw or gzip'd) that tracks the logical byte offset,
/// so every error can name the file and the offset where it happened.
/// </summary>
internal sealed class RecordStream : IDisposable
{
    private readonly Stream stream;

    private RecordStream(string path, Stream stream)
    {
        Path = path;
        this.stream = stream;
    }

    /// <summary>The file being read, as given by the caller.</summary>
    public string Path { get; }

    /// <summary>Offset in the (decompressed) content of the next byte to read.</summary>
    public long Position { get; private set; }

    /// <summary>Whether the file is gzip-compressed (so offsets refer to the decompressed content).</summary>
    public bool IsGzip { get; private set; }

    /// <summary>
    /// Opens <paramref name="path"/>, transparently decompressing it when it starts with the gzip magic 1F 8B.
    /// </summary>
    public static RecordStream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        }
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        if (b0 == 0x1F && b1 == 0x8B)
        {
            var decompressed = new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
            return new RecordStream(path, decompressed) { IsGzip = true };
        }
        return new RecordStream(path, file);
    }

    /// <summary>
    /// Moves to <paramref name="offset"/> (never backwards): seeks raw files, reads and discards gzip content.
    /// </summary>
    public void SkipTo(long offset, string what)
    {
        if (offset < Position)
        {
            throw new InvalidOperationException($"Cannot move backwards in '{Path}' from byte {Position} to {offset}.");
        }
        if (stream.CanSeek)
        {
            if (offset > stream.Length)
            {
                throw new InvalidDataException(
                    $"File '{Path}' is truncated: {what} starts at byte offset {offset}, past the end of the file.");
            }
            stream.Position = offset;
            Position = offset;
            return;
        }
        Span<byte> scratch = stackalloc byte[4096];
        while (Position < offset)
        {
            int want = (int)Math.Min(scratch.Length, offset - Position);
            int got = ReadSome(scratch[..want]);
            if (got == 0)
            {
                throw new InvalidDataException(
                    $"File '{Path}' is truncated: {what} starts at byte offset {offset}, past the end of the file.");
            }
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="buffer"/>.Length bytes describing
    /// <paramref name="what"/>, or throws naming the offset.
    /// </summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        long start = Position;
        int total = 0;
        while (total < buffer.Length)
        {
            int got = ReadSome(buffer[total..]);
            if (got == 0)
            {
                throw DataErrors.Truncated(Path, what, start, buffer.Length, total);
            }
            total += got;
        }
    }

    /// <summary>Reads a big-endian 32-bit unsigned integer (IDX headers).</summary>
    public uint ReadUInt32BigEndian(string what)
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(b, what);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    private int ReadSome(Span<byte> buffer)
    {
        int got;
        try
        {
            got = stream.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException(
                $"File '{Path}' is not valid gzip data near decompressed byte offset {Position}: {ex.Message}", ex);
        }
        Position += got;
        return got;
    }

    public void Dispose() => stream.Dispose();
}
