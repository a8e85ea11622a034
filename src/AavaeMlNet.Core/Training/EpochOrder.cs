using AavaeMlNet.Randomness;

namespace AavaeMlNet.Training;

/// <summary>
/// The shuffled order of an epoch, defined by (seed, epoch) alone through SplitMix64 and Fisher-Yates, so it is the
/// same on every machine and .NET version.
/// </summary>
public static class EpochOrder
{
    /// <summary>A permutation of 0..count-1 for the given seed and epoch.</summary>
    public static int[] Permutation(int count, long seed, int epoch)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        ulong start = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)epoch * 0xD1B54A32D192ED03UL + 1);
        var draws = new SplitMix64(start);
        for (int i = count - 1; i > 0; i--)
        {
            // Plain modulo, not NextBelow's rejection: orders are pinned by tests, and a resumed run must
            // replay the order of the run it continues.
            int j = (int)(draws.Next() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// The minibatches of an epoch: <see cref="Permutation"/> cut into consecutive runs of
    /// <paramref name="batchSize"/> indices (the last one shorter), from batch <paramref name="skipBatches"/> on, so a
    /// run resumed mid-epoch sees exactly the batches the interrupted run had not trained on.
    /// </summary>
    public static IEnumerable<int[]> Batches(int count, long seed, int epoch, int batchSize, long skipBatches = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(skipBatches);
        var order = Permutation(count, seed, epoch);
        for (long start = skipBatches * batchSize; start < count; start += batchSize)
            yield return order[(int)start..(int)Math.Min(start + batchSize, count)];
    }
}
