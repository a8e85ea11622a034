using System.IO.Compression;
using System.Security.Cryptography;
using AavaeMlNet.Data.Download;
using AavaeMlNet.Data.Manifests;
using AavaeMlNet.Data.Tests.Readers;

namespace AavaeMlNet.Data.Tests.Download;

public class DatasetVerifierTests
{
    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    private static string Md5(byte[] b) => Convert.ToHexStringLower(MD5.HashData(b));

    private static DatasetManifest Manifest(params ManifestFile[] files) => new()
    {
        Name = "tiny",
        Format = "idx",
        Image = new ManifestImageShape { Channels = 1, Height = 2, Width = 2 },
        ClassNames = ["a"],
        Files = files,
        Subsets = [],
        Splits = [],
        Normalization = new ManifestNormalization { Mean = [0.5f], Std = [0.5f] },
        AugmentationPreset = "grayscale",
    };

    [Fact]
    public void Lists_every_missing_wrong_size_and_wrong_checksum_file()
    {
        using var dir = new TestDirectory();
        byte[] good = [1, 2, 3], other = [1, 2, 4];
        File.WriteAllBytes(dir.File("good.bin"), good);
        File.WriteAllBytes(dir.File("short.bin"), good[..2]);
        File.WriteAllBytes(dir.File("changed.bin"), other);
        File.WriteAllBytes(dir.File("changed-md5.bin"), other);
        var manifest = Manifest(
            new ManifestFile { Path = "good.bin", Size = 3, Sha256 = Sha(good) },
            new ManifestFile { Path = "missing.bin", Size = 3 },
            new ManifestFile { Path = "short.bin", Size = 3, Sha256 = Sha(good) },
            new ManifestFile { Path = "changed.bin", Size = 3, Sha256 = Sha(good) },
            new ManifestFile { Path = "changed-md5.bin", Md5 = Md5(good) });

        var result = DatasetVerifier.Verify(dir.Path, manifest);

        Assert.False(result.IsValid);
        Assert.Equal(
            new[]
            {
                ("missing.bin", FileProblemKind.Missing),
                ("short.bin", FileProblemKind.WrongSize),
                ("changed.bin", FileProblemKind.WrongChecksum),
                ("changed-md5.bin", FileProblemKind.WrongChecksum),
            },
            result.Problems.Select(p => (p.Path, p.Kind)));
        Assert.Contains("has 2 bytes, expected 3", result.Problems[1].Message);
        Assert.Contains(Sha(other), result.Problems[2].Message);
    }

    [Fact]
    public void Recompressed_gzip_and_raw_payload_are_accepted_through_the_payload_checksum()
    {
        using var dir = new TestDirectory();
        byte[] payload = Enumerable.Range(0, 5000).Select(i => (byte)(i % 7)).ToArray();
        byte[] official = OfficialFormatWriter.Gzip(payload, CompressionLevel.SmallestSize);
        byte[] recompressed = OfficialFormatWriter.Gzip(payload, CompressionLevel.Fastest);
        Assert.NotEqual(Sha(official), Sha(recompressed));
        File.WriteAllBytes(dir.File("a.gz"), recompressed);
        File.WriteAllBytes(dir.File("b"), payload);
        File.WriteAllBytes(dir.File("c.gz"), OfficialFormatWriter.Gzip(payload[..4000]));
        ManifestFile Entry(string path) => new()
        {
            Path = path,
            Size = official.Length,
            Sha256 = Sha(official),
            Payload = new ManifestChecksum { Size = payload.Length, Sha256 = Sha(payload) },
        };

        var result = DatasetVerifier.Verify(dir.Path, Manifest(Entry("a.gz"), Entry("b.gz"), Entry("c.gz")));

        Assert.Equal("c.gz", Assert.Single(result.Problems).Path);
    }

    [Fact]
    public void Alternative_checksums_are_accepted()
    {
        using var dir = new TestDirectory();
        byte[] debian = [7, 7];
        File.WriteAllBytes(dir.File("x.bin"), debian);
        var file = new ManifestFile
        {
            Path = "x.bin", Size = 3, Md5 = Md5([1, 2, 3]),
            Alternatives = [new ManifestChecksum { Source = "debian", Size = 2, Md5 = Md5(debian) }],
        };

        Assert.True(DatasetVerifier.Verify(dir.Path, Manifest(file)).IsValid);
    }
}
