namespace AavaeMlNet.Io;

/// <summary>
/// The temporary file of an <see cref="AtomicFile"/> write, remembering the first failure of the file itself (disk
/// full, a file-size limit, an I/O error). Writers wrap such failures in their own exceptions (a Parquet writer's
/// "failed to serialise data column"): this is how the atomic write still knows that the file failed, and names it.
/// </summary>
internal sealed class WatchedFileStream(FileStream file) : Stream
{
    /// <summary>The first exception the file threw, other than a cancellation; null while none.</summary>
    public Exception? Failure { get; private set; }

    public override bool CanRead => file.CanRead;
    public override bool CanSeek => file.CanSeek;
    public override bool CanWrite => file.CanWrite;
    public override long Length => file.Length;

    public override long Position
    {
        get => file.Position;
        set => file.Position = value;
    }

    /// <summary>Flushes the bytes through the operating system's cache to the disk.</summary>
    public void FlushToDisk()
    {
        try
        {
            file.Flush(flushToDisk: true);
        }
        catch (Exception e) when (Failed(e))
        {
        }
    }

    public override void Flush()
    {
        try
        {
            file.Flush();
        }
        catch (Exception e) when (Failed(e))
        {
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await file.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (Failed(e))
        {
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => file.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        file.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        file.ReadAsync(buffer, offset, count, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

    public override void SetLength(long value)
    {
        try
        {
            file.SetLength(value);
        }
        catch (Exception e) when (Failed(e))
        {
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            file.Write(buffer);
        }
        catch (Exception e) when (Failed(e))
        {
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await file.WriteAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (Failed(e))
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                file.Dispose();
            }
            catch (Exception e) when (Failed(e))
            {
            }
        }
        base.Dispose(disposing);
    }

    // An exception filter: records the failure and lets the exception go on unchanged, stack trace and all.
    private bool Failed(Exception e)
    {
        if (e is not OperationCanceledException) Failure ??= e;
        return false;
    }
}
