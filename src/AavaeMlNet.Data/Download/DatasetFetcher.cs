using System.Net;
using System.Net.Http.Headers;
using AavaeMlNet.Data.Manifests;

namespace AavaeMlNet.Data.Download;

/// <summary>
/// Downloads data set files with checksum verification, resumption and atomic placement, then unpacks
/// archives safely. A download goes to "name.part"; an existing .part is resumed with an HTTP Range
/// request (a server that answers 200 instead of 206 restarts it from zero). Only when the complete
/// file matches the expected size and checksums is it moved to its final name, so no bad file is ever placed.
/// <para>Failures: a connection that drops mid-body keeps the bytes received in the .part, and the next attempt
/// resumes from there; it and the statuses that may pass (5xx, 408, 429) are retried up to
/// <see cref="DatasetFetcherOptions.MaxAttempts"/> times, any other status (404, 403, ...) fails at once. Either way
/// the <see cref="HttpRequestException"/> names the file, the address and the status. A file that fails its checksum
/// after resuming a .part that an earlier run left is downloaded once more from zero (the bad bytes may be the old
/// ones); one that fails after a download from zero is deleted and refused with an
/// <see cref="InvalidDataException"/>.</para>
/// </summary>
public sealed class DatasetFetcher : IDisposable
{
    private readonly HttpClient http;
    private readonly bool ownsClient;
    private readonly DatasetFetcherOptions options;

    /// <summary>Creates a fetcher; it disposes its own <see cref="HttpClient"/> unless one is given.</summary>
    public DatasetFetcher(DatasetFetcherOptions? options = null, HttpClient? httpClient = null)
    {
        this.options = options ?? new DatasetFetcherOptions();
        ownsClient = httpClient is null;
        http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Makes <paramref name="directory"/> hold the data set: if it already verifies nothing is downloaded;
    /// otherwise every download not yet present is fetched and unpacked. Returns the final verification.
    /// </summary>
    public async Task<VerificationResult> FetchAsync(DatasetManifest manifest, string directory,
        IProgress<FetchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var before = DatasetVerifier.Verify(directory, manifest, cancellationToken);
        if (before.IsValid)
        {
            return before;
        }
        await FetchAsync(manifest.Downloads, directory, progress, cancellationToken).ConfigureAwait(false);
        return DatasetVerifier.Verify(directory, manifest, cancellationToken);
    }

    /// <summary>
    /// Downloads, verifies and unpacks each entry into <paramref name="directory"/>; returns the
    /// paths of the downloaded files.
    /// </summary>
    /// <exception cref="InvalidDataException">A download's size or checksum is wrong, or an
    /// archive is unsafe.</exception>
    /// <exception cref="HttpRequestException">The server kept failing after
    /// <see cref="DatasetFetcherOptions.MaxAttempts"/> attempts.</exception>
    public async Task<IReadOnlyList<string>> FetchAsync(IEnumerable<ManifestDownload> downloads, string directory,
        IProgress<FetchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var download in downloads)
        {
            string path = await DownloadAsync(download, directory, progress, cancellationToken).ConfigureAwait(false);
            if (download.Extract != "none")
            {
                progress?.Report(new FetchProgress(download.FileName, FetchStage.Extracting, 0, null));
                if (download.Extract == "tar.gz")
                {
                    SafeArchiveExtractor.ExtractTarGz(path, directory, cancellationToken);
                }
                else
                {
                    string destination = path.EndsWith(".gz", StringComparison.Ordinal) ? path[..^3] : path + ".out";
                    SafeArchiveExtractor.ExtractGzip(path, destination, cancellationToken);
                }
            }
            progress?.Report(
                new FetchProgress(download.FileName, FetchStage.Done, new FileInfo(path).Length, download.Size));
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>The address to download from: the official one, or the mirror base plus the file name.</summary>
    public Uri AddressOf(ManifestDownload download) =>
        options.MirrorBaseUrl is null
            ? new Uri(download.Url)
            : new Uri(options.MirrorBaseUrl, Uri.EscapeDataString(download.FileName));

    private async Task<string> DownloadAsync(ManifestDownload download, string directory,
        IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        if (!ManifestValidator.IsPlainFileName(download.FileName))
        {
            throw new ArgumentException(
                $"Download file name '{download.FileName}' must be a plain file name.", nameof(download));
        }
        string final = Path.Combine(directory, download.FileName);
        if (File.Exists(final) && !download.Checksum.IsEmpty
            && FileChecksums.Compute(final, false, cancellationToken).Matches(download.Checksum))
        {
            progress?.Report(new FetchProgress(
                download.FileName, FetchStage.AlreadyPresent, new FileInfo(final).Length, download.Size));
            return final;
        }
        string part = final + ".part";
        Uri address = AddressOf(download);
        for (bool fromZero = !File.Exists(part); ; fromZero = true)
        {
            await DownloadWithRetriesAsync(address, part, download, progress, cancellationToken).ConfigureAwait(false);
            progress?.Report(
                new FetchProgress(download.FileName, FetchStage.Verifying, new FileInfo(part).Length, download.Size));
            var actual = FileChecksums.Compute(part, false, cancellationToken);
            if (actual.Matches(download.Checksum))
            {
                File.Move(part, final, overwrite: true);
                return final;
            }
            File.Delete(part);
            if (fromZero)
            {
                throw new InvalidDataException(
                    $"Download of '{download.FileName}' from {address} has {actual}; expected {download.Checksum}. " +
                    "The partial file was deleted and nothing was placed.");
            }
        }
    }

    private async Task DownloadWithRetriesAsync(Uri address, string part, ManifestDownload download,
        IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadToPartAsync(address, part, download, progress, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e)
                when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                var status = (e as HttpRequestException)?.StatusCode;
                string what = $"Download of '{download.FileName}' from {address} failed";
                if (!MayPass(status)) throw new HttpRequestException($"{what}: {e.Message} Not retried.", e, status);
                if (attempt >= options.MaxAttempts)
                    throw new HttpRequestException($"{what} {attempt} time(s); the last: {e.Message} " +
                        "The partial file is kept for the next run.", e, status);
                var delay = options.RetryDelay * Math.Pow(2, attempt - 1);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // No status: the connection failed or dropped. 5xx, 408 (timeout) and 429 (too many requests) may pass later.
    private static bool MayPass(HttpStatusCode? status) =>
        status is null or >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout
            or HttpStatusCode.TooManyRequests;

    private async Task DownloadToPartAsync(Uri address, string part, ManifestDownload download,
        IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        long existing = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (download.Size is long size && existing == size)
        {
            return; // complete from an earlier run: only verification is left
        }
        if (download.Size is long expected && existing > expected)
        {
            existing = 0;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            File.Delete(part); // the .part is longer than the file on the server: start over next attempt
            throw new HttpRequestException(
                $"Server refused the resume range of '{address}' (416); restarting the download.");
        }
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException(
                $"HTTP {(int)response.StatusCode} ({response.ReasonPhrase}).", null, response.StatusCode);
        bool resumed = existing > 0 && response.StatusCode == HttpStatusCode.PartialContent
            && response.Content.Headers.ContentRange?.From == existing;
        long? total = download.Size
            ?? (response.Content.Headers.ContentLength is long len ? (resumed ? existing + len : len) : null);
        await using var output = new FileStream(
            part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        long done = resumed ? existing : 0;
        int got;
        while ((got = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, got), cancellationToken).ConfigureAwait(false);
            done += got;
            progress?.Report(new FetchProgress(download.FileName, FetchStage.Downloading, done, total));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (ownsClient)
        {
            http.Dispose();
        }
    }
}
