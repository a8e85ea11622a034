using System.Security.Cryptography;
using AavaeMlNet.Data.Download;
using AavaeMlNet.Data.Manifests;
using static AavaeMlNet.Data.Tests.Download.TarGzWriter;

namespace AavaeMlNet.Data.Tests.Download;

public class DatasetFetcherTests
{
    private static readonly byte[] Payload = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31 % 251)).ToArray();

    private static ManifestDownload Entry(string name, byte[] content, string extract = "none") => new()
    {
        Url = "https://data.example.invalid/official/" + name,
        FileName = name,
        Size = content.Length,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
        Md5 = Convert.ToHexStringLower(MD5.HashData(content)),
        Extract = extract,
    };

    private static DatasetFetcher Fetcher(LocalHttpServer server) =>
        new(new DatasetFetcherOptions { MirrorBaseUrl = server.BaseUrl, MaxAttempts = 1 });

    [Fact]
    public async Task Downloads_from_the_mirror_and_places_the_verified_file()
    {
        using var server = new LocalHttpServer();
        server.Files["data.bin"] = Payload;
        using var dir = new TestDirectory();
        using var fetcher = Fetcher(server);
        var reports = new List<FetchProgress>();

        var paths = await fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path, new SyncProgress(reports.Add));

        Assert.Equal(Payload, File.ReadAllBytes(Assert.Single(paths)));
        Assert.False(File.Exists(dir.File("data.bin.part")));
        Assert.Equal(FetchStage.Done, reports[^1].Stage);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Partial_download_is_resumed_with_a_range_request_or_restarted(bool serverSupportsRange)
    {
        using var server = new LocalHttpServer { SupportsRange = serverSupportsRange };
        server.Files["data.bin"] = Payload;
        using var dir = new TestDirectory();
        File.WriteAllBytes(dir.File("data.bin.part"), Payload[..70_000]);
        using var fetcher = Fetcher(server);

        await fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path);

        Assert.Equal("bytes=70000-", Assert.Single(server.RangeHeaders));
        Assert.Equal(Payload, File.ReadAllBytes(dir.File("data.bin")));
        Assert.False(File.Exists(dir.File("data.bin.part")));
    }

    [Fact]
    public async Task Corrupted_download_fails_with_checksum_error_and_places_nothing()
    {
        using var server = new LocalHttpServer();
        var corrupted = (byte[])Payload.Clone();
        corrupted[1234] ^= 0xFF;
        server.Files["data.bin"] = corrupted;
        using var dir = new TestDirectory();
        using var fetcher = Fetcher(server);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(
            () => fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path));

        Assert.Contains("data.bin", ex.Message);
        Assert.Contains("expected size 200000, sha256", ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task Manifest_fetch_extracts_the_archive_and_verifies_the_payload_files()
    {
        byte[] batch = [1, 2, 3, 4];
        byte[] archive = Create(DirectoryEntry("set/"), FileEntry("set/batch.bin", batch));
        using var server = new LocalHttpServer();
        server.Files["set.tar.gz"] = archive;
        using var dir = new TestDirectory();
        var manifest = new DatasetManifest
        {
            Name = "tiny",
            Format = "cifar10-binary",
            Image = new ManifestImageShape { Channels = 3, Height = 1, Width = 1 },
            ClassNames = ["a"],
            Downloads = [Entry("set.tar.gz", archive, "tar.gz")],
            Files =
            [
                new ManifestFile
                {
                    Path = "set/batch.bin",
                    Size = 4,
                    Sha256 = Convert.ToHexStringLower(SHA256.HashData(batch)),
                },
            ],
            Subsets = [],
            Splits = [],
            Normalization = new ManifestNormalization { Mean = [0, 0, 0], Std = [1, 1, 1] },
            AugmentationPreset = "cifar10",
        };
        using var fetcher = Fetcher(server);

        var result = await fetcher.FetchAsync(manifest, dir.Path);
        var again = await fetcher.FetchAsync(manifest, dir.Path);

        Assert.True(result.IsValid, result.ToString());
        Assert.True(again.IsValid);
        Assert.Single(server.RangeHeaders); // the second fetch found everything in place
        Assert.Equal(batch, File.ReadAllBytes(dir.File("set/batch.bin")));
    }

    [Fact]
    public async Task Malicious_archive_from_the_server_is_refused()
    {
        byte[] archive = Create(FileEntry("ok.bin", [1]), SymbolicLink("escape", "../../../../etc/passwd"));
        using var server = new LocalHttpServer();
        server.Files["evil.tar.gz"] = archive;
        using var dir = new TestDirectory();
        using var fetcher = Fetcher(server);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(
            () => fetcher.FetchAsync([Entry("evil.tar.gz", archive, "tar.gz")], dir.Path));

        Assert.Contains("leads outside", ex.Message);
        Assert.Equal(new[] { "evil.tar.gz" }, Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    /// <summary>
    /// Reports synchronously (Progress&lt;T&gt; posts to the thread pool, which would race the assertions).
    /// </summary>
    private sealed class SyncProgress(Action<FetchProgress> report) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value) => report(value);
    }
}
