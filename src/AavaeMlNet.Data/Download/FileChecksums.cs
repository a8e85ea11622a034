using System.IO.Compression;
using System.Security.Cryptography;
using AavaeMlNet.Data.Manifests;

namespace AavaeMlNet.Data.Download;

/// <summary>
/// Size, SHA-256 and MD5 of some bytes, computed in one pass, and matching against a manifest triple.
/// </summary>
internal sealed record FileChecksums(long Size, string Sha256, string Md5)
{
    /// <summary>Checksums of a file's bytes, or of its gunzip'd content when <paramref name="decompress"/>.</summary>
    public static FileChecksums Compute(string path, bool decompress = false,
        CancellationToken cancellationToken = default)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using Stream stream = decompress ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = new byte[1 << 16];
        long size = 0;
        int got;
        while ((got = stream.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sha.AppendData(buffer, 0, got);
            md5.AppendData(buffer, 0, got);
            size += got;
        }
        return new FileChecksums(
            size, Convert.ToHexStringLower(sha.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    /// <summary>Whether every field that <paramref name="expected"/> states agrees.</summary>
    public bool Matches(ManifestChecksum expected) =>
        (expected.Size is null || expected.Size == Size)
        && (expected.Sha256 is null || expected.Sha256 == Sha256)
        && (expected.Md5 is null || expected.Md5 == Md5);

    public override string ToString() => $"size {Size}, sha256 {Sha256}, md5 {Md5}";
}
