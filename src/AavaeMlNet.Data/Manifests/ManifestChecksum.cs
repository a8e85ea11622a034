namespace AavaeMlNet.Data.Manifests;

/// <summary>An accepted (size, SHA-256, MD5) triple for some bytes; any field may be absent when unknown.</summary>
public sealed class ManifestChecksum
{
    /// <summary>Length in bytes.</summary>
    public long? Size { get; init; }

    /// <summary>SHA-256 as 64 lowercase hexadecimal digits.</summary>
    public string? Sha256 { get; init; }

    /// <summary>MD5 as 32 lowercase hexadecimal digits (what CIFAR-10, STL-10 and Fashion-MNIST publish).</summary>
    public string? Md5 { get; init; }

    /// <summary>Where these bytes come from, e.g. "official" or "debian".</summary>
    public string? Source { get; init; }

    /// <summary>Whether the triple states nothing to check.</summary>
    internal bool IsEmpty => Size is null && Sha256 is null && Md5 is null;

    /// <summary>"size 123, sha256 ab.., md5 cd.." for messages.</summary>
    public override string ToString() => string.Join(", ", new[]
    {
        Size is null ? null : $"size {Size}",
        Sha256 is null ? null : $"sha256 {Sha256}",
        Md5 is null ? null : $"md5 {Md5}",
        Source is null ? null : $"({Source})",
    }.Where(s => s is not null));
}
