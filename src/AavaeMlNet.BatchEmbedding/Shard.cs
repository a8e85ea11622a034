namespace AavaeMlNet.BatchEmbedding;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/>: the rows whose input index i satisfies i % Count == Index. The n
/// shards of an input are disjoint and together cover it, so n jobs (any machines) can embed one input in parallel.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole input.</summary>
    public static Shard All => new(0, 1);

    /// <summary>Parses "i/n" with 0 &lt;= i &lt; n.</summary>
    public static Shard Parse(string shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        var parts = shard.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int i) || !int.TryParse(parts[1], out int n))
            throw new ArgumentException($"shard '{shard}' is not of the form i/n (e.g. 0/4).", nameof(shard));
        if (n < 1 || i < 0 || i >= n)
            throw new ArgumentOutOfRangeException(nameof(shard), $"shard '{shard}' must satisfy 0 <= i < n.");
        return new Shard(i, n);
    }

    /// <summary>Number of this shard's rows among <paramref name="total"/>.</summary>
    public int RowsOf(int total) => total <= Index ? 0 : (total - Index + Count - 1) / Count;

    /// <summary>Input index of the shard's <paramref name="position"/>-th row.</summary>
    public int InputIndex(int position) => Index + position * Count;

    public override string ToString() => $"{Index}/{Count}";
}
