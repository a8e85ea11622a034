namespace AavaeMlNet.Data.Manifests;

/// <summary>
/// Disjoint parts drawn from one subset with <see cref="Splits.DatasetSplitter"/>: the seed fixes
/// the permutation, then the parts take consecutive runs of it in order.
/// </summary>
public sealed class ManifestSplit
{
    /// <summary>Name of the <see cref="ManifestSubset"/> to split.</summary>
    public required string Subset { get; init; }

    /// <summary>
    /// Seed of the SplitMix64 Fisher-Yates shuffle; absent: parts are consecutive ranges in file order.
    /// </summary>
    public ulong? Seed { get; init; }

    /// <summary>The parts, in drawing order.</summary>
    public required IReadOnlyList<ManifestSplitPart> Parts { get; init; }
}

/// <summary>A named part of a split, e.g. "pretrain" with 45,000 records.</summary>
public sealed class ManifestSplitPart
{
    /// <summary>Name, unique in the manifest.</summary>
    public required string Name { get; init; }

    /// <summary>Number of records.</summary>
    public required int Count { get; init; }
}
