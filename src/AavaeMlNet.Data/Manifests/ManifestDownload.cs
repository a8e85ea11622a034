namespace AavaeMlNet.Data.Manifests;

/// <summary>One file to download from the data set's official site, and how to unpack it.</summary>
public sealed class ManifestDownload
{
    /// <summary>Absolute http(s) address of the official download.</summary>
    public required string Url { get; init; }

    /// <summary>File name to save it under in the data set directory (a plain name, no folders).</summary>
    public required string FileName { get; init; }

    /// <summary>Expected length in bytes, when known.</summary>
    public long? Size { get; init; }

    /// <summary>Expected SHA-256, when known.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Expected MD5 (as the data sets publish), when known.</summary>
    public string? Md5 { get; init; }

    /// <summary>
    /// How to unpack: "none" (keep as is), "gzip" (decompress next to it) or "tar.gz" (extract into the directory).
    /// </summary>
    public string Extract { get; init; } = "none";

    /// <summary>The expected checksums as one triple.</summary>
    public ManifestChecksum Checksum => new() { Size = Size, Sha256 = Sha256, Md5 = Md5 };
}
