namespace AavaeMlNet.Data.Manifests;

/// <summary>A file a reader consumes, relative to the data set's directory, with the checksums it may have.</summary>
public sealed class ManifestFile
{
    /// <summary>
    /// Path relative to the data set directory, '/'-separated, e.g. "cifar-10-batches-bin/data_batch_1.bin".
    /// </summary>
    public required string Path { get; init; }

    /// <summary>Length in bytes of the official file.</summary>
    public long? Size { get; init; }

    /// <summary>SHA-256 of the official file.</summary>
    public string? Sha256 { get; init; }

    /// <summary>MD5 of the official file.</summary>
    public string? Md5 { get; init; }

    /// <summary>Other accepted versions of this file (e.g. the Debian package's recompressed .gz).</summary>
    public IReadOnlyList<ManifestChecksum> Alternatives { get; init; } = [];

    /// <summary>
    /// For .gz files: the decompressed content the reader consumes. Any gzip of this payload is accepted,
    /// and so is the decompressed file itself under the name without ".gz".
    /// </summary>
    public ManifestChecksum? Payload { get; init; }

    /// <summary>The official checksum and every alternative, in that order.</summary>
    public IEnumerable<ManifestChecksum> AcceptedChecksums() =>
        new[]
        {
            new ManifestChecksum
            {
                Size = Size,
                Sha256 = Sha256,
                Md5 = Md5,
                Source = "official",
            },
        }.Concat(Alternatives);
}
