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

    private static DatasetFetcher Fetcher(LocalHttpServer server, int attempts = 1) =>
        new(new DatasetFetcherOptions
        {
            MirrorBaseUrl = server.BaseUrl,
            MaxAttempts = attempts,
            RetryDelay = TimeSpan.FromMilliseconds(1),
        });

    [Fact]
    public async Task A_missing_file_404_is_refused_at_once_naming_the_address_and_the_status()
    {
        using var server = new LocalHttpServer();
        using var dir = new TestDirectory();
        using var fetcher = Fetcher(server, attempts: 3);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(
            () => fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path));

        Assert.Equal($"Download of 'data.bin' from {server.BaseUrl}data.bin failed: HTTP 404 (Not Found). " +
                     "Not retried.", ex.Message);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Single(server.RangeHeaders);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task Server_errors_500_are_retried_and_the_download_then_completes()
    {
        using var server = new LocalHttpServer();
        server.Files["data.bin"] = Payload;
        server.Faults.Enqueue(LocalHttpServer.Fault.Http(500));
        server.Faults.Enqueue(LocalHttpServer.Fault.Http(503));
        using var dir = new TestDirectory();
        using var fetcher = Fetcher(server, attempts: 3);

        await fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path);

        Assert.Equal(3, server.RangeHeaders.Count);
        Assert.Equal(Payload, File.ReadAllBytes(dir.File("data.bin")));
        Assert.Equal(["data.bin"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    public async Task Timeouts_408_and_too_many_requests_429_are_retried_and_the_download_then_completes(int status)
    {
        using var server = new LocalHttpServer();
        server.Files["data.bin"] = Payload;
        server.Faults.Enqueue(LocalHttpServer.Fault.Http(status));
        server.Faults.Enqueue(LocalHttpServer.Fault.Http(status));
        using var dir = new TestDirectory();
        using var fetcher = Fetcher(server, attempts: 3);

        await fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path);

        Assert.Equal(3, server.RangeHeaders.Count);
        Assert.Equal(Payload, File.ReadAllBytes(dir.File("data.bin")));
    }

    [Fact]
    public async Task Retries_wait_the_retry_delay_doubled_each_time()
    {
        using var server = new LocalHttpServer();
        server.Files["data.bin"] = Payload;
        for (int i = 0; i < 3; i++) server.Faults.Enqueue(LocalHttpServer.Fault.Http(503));
        using var dir = new TestDirectory();
        using var fetcher = new DatasetFetcher(new DatasetFetcherOptions
        {
            MirrorBaseUrl = server.BaseUrl,
            MaxAttempts = 4,
            RetryDelay = TimeSpan.FromMilliseconds(150),
        });

        await fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path);

        // A pause is never shorter than asked, but the timer may fire up to a few milliseconds before the stopwatch
        // agrees: 150, 300 and 600 ms between the four requests, less 5 ms each.
        var gaps = server.RequestTimes.Zip(server.RequestTimes.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        Assert.Equal(3, gaps.Count);
        Assert.All(gaps.Zip([145.0, 295.0, 595.0]), pair => Assert.True(pair.First >= pair.Second,
            $"waited {pair.First:F0} ms where {pair.Second} were due"));
    }

    [Fact]
    public async Task A_server_that_keeps_answering_500_is_given_up_after_the_attempts_naming_the_address_and_status()
    {
        using var server = new LocalHttpServer();
        server.Files["data.bin"] = Payload;
        for (int i = 0; i < 3; i++) server.Faults.Enqueue(LocalHttpServer.Fault.Http(500));
        using var dir = new TestDirectory();
        using var fetcher = Fetcher(server, attempts: 3);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(
            () => fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path));

        Assert.Equal($"Download of 'data.bin' from {server.BaseUrl}data.bin failed 3 time(s); the last: HTTP 500 " +
                     "(Internal Server Error). The partial file is kept for the next run.", ex.Message);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal(3, server.RangeHeaders.Count);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task A_connection_dropped_mid_body_is_resumed_from_the_bytes_received()
    {
        using var server = new LocalHttpServer();
        server.Files["data.bin"] = Payload;
        server.Faults.Enqueue(LocalHttpServer.Fault.DropAfter(70_000));
        using var dir = new TestDirectory();
        using var fetcher = Fetcher(server, attempts: 2);

        await fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path);

        Assert.Equal(["", "bytes=70000-"], server.RangeHeaders);
        Assert.Equal(Payload, File.ReadAllBytes(dir.File("data.bin")));
        Assert.False(File.Exists(dir.File("data.bin.part")));
    }

    [Fact]
    public async Task A_drop_on_the_last_attempt_keeps_the_bytes_received_for_the_next_run_to_resume()
    {
        using var server = new LocalHttpServer();
        server.Files["data.bin"] = Payload;
        server.Faults.Enqueue(LocalHttpServer.Fault.DropAfter(70_000));
        using var dir = new TestDirectory();

        using (var first = Fetcher(server))
        {
            var ex = await Assert.ThrowsAsync<HttpRequestException>(
                () => first.FetchAsync([Entry("data.bin", Payload)], dir.Path));
            Assert.StartsWith($"Download of 'data.bin' from {server.BaseUrl}data.bin failed 1 time(s); the last: ",
                ex.Message);
            Assert.Null(ex.StatusCode);
        }
        Assert.Equal(Payload[..70_000], File.ReadAllBytes(dir.File("data.bin.part")));
        Assert.False(File.Exists(dir.File("data.bin")));

        using (var second = Fetcher(server)) await second.FetchAsync([Entry("data.bin", Payload)], dir.Path);

        Assert.Equal(["", "bytes=70000-"], server.RangeHeaders);
        Assert.Equal(Payload, File.ReadAllBytes(dir.File("data.bin")));
    }

    [Theory]
    [InlineData(70_000)]
    [InlineData(200_000)]
    public async Task A_corrupt_part_from_an_earlier_run_is_downloaded_again_from_zero_and_verified(int partLength)
    {
        using var server = new LocalHttpServer();
        server.Files["data.bin"] = Payload;
        using var dir = new TestDirectory();
        var corrupt = Payload[..partLength];
        corrupt[1234] ^= 0xFF;
        File.WriteAllBytes(dir.File("data.bin.part"), corrupt);
        using var fetcher = Fetcher(server);

        await fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path);

        // A short .part is resumed first (and fails its checksum), a complete one only verified; then from zero.
        Assert.Equal(partLength < Payload.Length ? ["bytes=70000-", ""] : [""], server.RangeHeaders);
        Assert.Equal(Payload, File.ReadAllBytes(dir.File("data.bin")));
        Assert.Equal(["data.bin"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_corrupt_part_and_a_server_serving_corrupt_bytes_are_refused_after_one_download_from_zero()
    {
        using var server = new LocalHttpServer();
        var corrupted = (byte[])Payload.Clone();
        corrupted[150_000] ^= 0xFF;
        server.Files["data.bin"] = corrupted;
        using var dir = new TestDirectory();
        File.WriteAllBytes(dir.File("data.bin.part"), corrupted[..70_000]);
        using var fetcher = Fetcher(server, attempts: 3);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(
            () => fetcher.FetchAsync([Entry("data.bin", Payload)], dir.Path));

        Assert.Contains("expected size 200000, sha256", ex.Message);
        Assert.Equal(["bytes=70000-", ""], server.RangeHeaders);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

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
