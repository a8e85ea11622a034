namespace AavaeMlNet.Data.Manifests;

/// <summary>A set of records as the official files hold them (e.g. "train", "test", "unlabeled").</summary>
public sealed class ManifestSubset
{
    /// <summary>Name of the subset.</summary>
    public required string Name { get; init; }

    /// <summary>Number of records.</summary>
    public required int Count { get; init; }

    /// <summary>Paths (from <see cref="DatasetManifest.Files"/>) that hold the subset, in reading order.</summary>
    public required IReadOnlyList<string> Files { get; init; }
}
