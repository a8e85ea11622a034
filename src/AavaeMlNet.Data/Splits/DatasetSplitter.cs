using AavaeMlNet.Randomness;

namespace AavaeMlNet.Data.Splits;

/// <summary>
/// Seeded, reproducible, disjoint splits of record positions 0 .. count-1.
/// Algorithm (fixed forever, so a manifest's seed defines the split): start from the identity
/// array a = [0, 1, ..., count-1]; with a <see cref="SplitMix64"/> seeded by the seed, for
/// i = count-1 down to 1 draw j = NextBelow(i + 1) and swap a[i] and a[j] (Fisher-Yates). Part k
/// takes the next sizes[k] entries of a, and each part is returned sorted ascending.
/// Without a seed (null) the array is not shuffled: the parts are consecutive ranges.
/// </summary>
public static class DatasetSplitter
{
    /// <summary>The permutation of 0 .. count-1 described in the class summary.</summary>
    public static int[] Permutation(int count, ulong? seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var a = new int[count];
        for (int i = 0; i < count; i++)
        {
            a[i] = i;
        }
        if (seed is ulong s)
        {
            var rng = new SplitMix64(s);
            for (int i = count - 1; i > 0; i--)
            {
                int j = (int)rng.NextBelow((ulong)i + 1);
                (a[i], a[j]) = (a[j], a[i]);
            }
        }
        return a;
    }

    /// <summary>Splits 0 .. count-1 into disjoint parts of the given sizes (their sum must not exceed count).</summary>
    /// <returns>One ascending index array per size, in the order of <paramref name="sizes"/>.</returns>
    public static int[][] Split(int count, ulong? seed, IReadOnlyList<int> sizes)
    {
        long total = sizes.Sum(s => (long)s);
        if (sizes.Any(s => s < 0) || total > count)
        {
            throw new ArgumentOutOfRangeException(nameof(sizes),
                $"Split sizes [{string.Join(", ", sizes)}] must be non-negative and sum to at most {count} records.");
        }
        var permutation = Permutation(count, seed);
        var parts = new int[sizes.Count][];
        int start = 0;
        for (int k = 0; k < sizes.Count; k++)
        {
            parts[k] = permutation[start..(start + sizes[k])];
            Array.Sort(parts[k]);
            start += sizes[k];
        }
        return parts;
    }
}
