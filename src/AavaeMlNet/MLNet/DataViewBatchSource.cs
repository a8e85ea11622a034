using AavaeMlNet.Randomness;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace AavaeMlNet.MLNet;

/// <summary>
/// Streams training batches out of an IDataView column of CHW pixel vectors in [0, 1], through a fresh cursor every
/// epoch. Order: with the in-memory cache, an exact permutation from (seed, epoch); without it, a seeded shuffle pool
/// (as ML.NET's own shuffling transform), so the data never has to fit in managed memory.
/// Every row is checked: wrong length, NaN/infinite values and values outside [0, 1] are reported by row.
/// </summary>
public sealed class DataViewBatchSource : IImageBatchSource
{
    private readonly IDataView data;
    private readonly DataViewSchema.Column column;
    private readonly int length;
    private readonly int shufflePoolSize;
    private readonly Action<string>? onUnreadable;
    private readonly HashSet<long> unreadable = [];
    private float[]? cache;
    private long count = -1;

    /// <param name="data">The view holding the pixel column.</param>
    /// <param name="columnName">A Vector&lt;Single&gt; column of C*H*W values in CHW order, in [0, 1].</param>
    /// <param name="shape">The image shape.</param>
    /// <param name="cacheBudgetBytes">Cache all pixels as float32 when they fit this
    /// budget; 0 disables the cache.</param>
    /// <param name="shufflePoolSize">Rows held by the streaming shuffle pool.</param>
    /// <param name="onUnreadable">Skip rows whose value cannot be read (an image file that does not decode) and
    /// report each once with a message naming the row; null fails on the first one.</param>
    public DataViewBatchSource(IDataView data, string columnName, (int Channels, int Height, int Width) shape,
        long cacheBudgetBytes, int shufflePoolSize = 8192, Action<string>? onUnreadable = null)
    {
        this.onUnreadable = onUnreadable;
        this.data = data;
        column = data.Schema[columnName];
        ImageShape = shape;
        length = shape.Channels * shape.Height * shape.Width;
        this.shufflePoolSize = Math.Max(1, shufflePoolSize);
        long? rows = data.GetRowCount();
        if (cacheBudgetBytes > 0)
        {
            long needed = (rows ?? CountRows()) * length * sizeof(float);
            if (needed <= cacheBudgetBytes)
                cache = Load();
            else
                CacheDeclined = $"the pixels need {needed / (1 << 20)} MiB, " +
                    $"more than the {cacheBudgetBytes / (1 << 20)} MiB cache budget";
        }
        if (count < 0) count = rows ?? CountRows();
        if (count == 0)
            throw new ArgumentException(
                $"The training data has no rows in column '{columnName}': at least 2 images are needed.", nameof(data));
    }

    /// <summary>True when the pixels are held in memory.</summary>
    public bool IsCached => cache is not null;

    /// <summary>Why the cache was not used although asked for, or null.</summary>
    public string? CacheDeclined { get; }

    public long Count => count;

    public (int Channels, int Height, int Width) ImageShape { get; }

    /// <summary>From the first images, held or read through one short cursor.</summary>
    public DataFingerprint Fingerprint => fingerprint ??= DataFingerprint.Of(count, ImageShape, cache is not null
        ? Enumerable.Range(0, (int)Math.Min(count, DataFingerprint.SampledImages))
            .Select(i => (ReadOnlyMemory<float>)cache.AsMemory(i * length, length))
        : Rows(CancellationToken.None).Take(DataFingerprint.SampledImages).Select(row => (ReadOnlyMemory<float>)row));

    private DataFingerprint? fingerprint;

    public IEnumerable<Tensor> Batches(int epoch, int batchSize, long seed, int skipBatches,
        CancellationToken cancellationToken) =>
        cache is not null ? CachedBatches(epoch, batchSize, seed, skipBatches, cancellationToken)
                          : StreamedBatches(epoch, batchSize, seed, skipBatches, cancellationToken);

    private IEnumerable<Tensor> CachedBatches(int epoch, int batchSize, long seed, int skipBatches,
        CancellationToken cancellationToken)
    {
        var buffer = new float[(long)batchSize * length];
        foreach (var batch in EpochOrder.Batches((int)count, seed, epoch, batchSize, skipBatches))
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < batch.Length; i++)
                Array.Copy(cache!, (long)batch[i] * length, buffer, (long)i * length, length);
            yield return ToTensor(buffer, batch.Length);
        }
    }

    private IEnumerable<Tensor> StreamedBatches(int epoch, int batchSize, long seed, int skipBatches,
        CancellationToken cancellationToken)
    {
        var random = new PoolDraws(seed, epoch);
        var pool = new List<float[]>(Math.Min(shufflePoolSize, (int)Math.Min(count, int.MaxValue)));
        var buffer = new float[(long)batchSize * length];
        int filled = 0;
        long batchIndex = 0;

        IEnumerable<float[]> Shuffled()
        {
            foreach (var row in Rows(cancellationToken))
            {
                if (pool.Count < shufflePoolSize)
                {
                    pool.Add(row);
                    continue;
                }
                int j = random.Below(pool.Count);
                yield return pool[j];
                pool[j] = row;
            }
            while (pool.Count > 0)
            {
                int j = random.Below(pool.Count);
                yield return pool[j];
                pool[j] = pool[^1];
                pool.RemoveAt(pool.Count - 1);
            }
        }

        foreach (var row in Shuffled())
        {
            Array.Copy(row, 0, buffer, (long)filled * length, length);
            if (++filled < batchSize) continue;
            filled = 0;
            if (batchIndex++ >= skipBatches) yield return ToTensor(buffer, batchSize);
        }
        if (filled > 0 && batchIndex >= skipBatches) yield return ToTensor(buffer, filled);
    }

    // tensor() copies its array, so a full buffer goes in as is; only a short last batch needs slicing first.
    private Tensor ToTensor(float[] buffer, int n) =>
        tensor(n * length == buffer.Length ? buffer : buffer[..(n * length)],
            [n, ImageShape.Channels, ImageShape.Height, ImageShape.Width]);

    private IEnumerable<float[]> Rows(CancellationToken cancellationToken)
    {
        // ML.NET decodes images on parallel cursors, where a bad file ends the cursor; one sequential cursor (the
        // public GetRowCursorSet with n = 1) raises it from that row's getter and moves on, so it can be skipped.
        using var cursor = onUnreadable is null ? data.GetRowCursor([column]) : data.GetRowCursorSet([column], 1)[0];
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var value = default(VBuffer<float>);
        long row = 0;
        while (true)
        {
            bool moved;
            try
            {
                moved = cursor.MoveNext();
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                throw Unreadable($"at or after row {row}", e);
            }
            if (!moved) break;
            cancellationToken.ThrowIfCancellationRequested();
            if (!TryGet(getter, ref value, row++)) continue;
            var pixels = new float[length];
            PixelRows.Copy(value, pixels, row - 1, column.Name);
            yield return pixels;
        }
    }

    // ML.NET's LoadImages raises a bad file's error from the getter, and its cursor moves on after it.
    private bool TryGet(ValueGetter<VBuffer<float>> getter, ref VBuffer<float> value, long row)
    {
        try
        {
            getter(ref value);
            return true;
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            if (onUnreadable is null) throw Unreadable($"at row {row}", e);
            string message = $"Row {row} of column '{column.Name}' could not be read: {e.Message}";
            bool first;
            lock (unreadable) first = unreadable.Add(row);
            if (first) onUnreadable(message);
            return false;
        }
    }

    // A reader's own InvalidDataException already names the file; anything else (LoadImages' decoder) gets the row.
    private InvalidDataException Unreadable(string where, Exception e)
    {
        var cause = e;
        while (cause is InvalidOperationException { InnerException: { } inner }) cause = inner; // the parallel cursor's
        if (cause is InvalidDataException named) return named;
        return new InvalidDataException($"Column '{column.Name}' could not be read {where}: {cause.Message} " +
                                        "(set Options.SkipBadImages to skip such rows).", e);
    }

    private float[] Load()
    {
        var rows = new List<float[]>();
        foreach (var row in Rows(CancellationToken.None)) rows.Add(row);
        count = rows.Count;
        var all = new float[(long)rows.Count * length];
        for (int i = 0; i < rows.Count; i++) Array.Copy(rows[i], 0, all, (long)i * length, length);
        return all;
    }

    private long CountRows()
    {
        using var cursor = data.GetRowCursor([]);
        long n = 0;
        while (cursor.MoveNext()) n++;
        return n;
    }

    /// <summary>SplitMix64 seeded by (seed, epoch): the shuffle pool's draws are the same on every machine.</summary>
    private sealed class PoolDraws(long seed, int epoch)
    {
        private readonly SplitMix64 draws =
            new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)epoch + 1) * 0xD1B54A32D192ED03UL));

        public int Below(int bound) => (int)(draws.Next() % (ulong)bound);
    }
}
