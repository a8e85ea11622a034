using AavaeMlNet.Data.Download;
using AavaeMlNet.Data.Manifests;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>`aavae data verify` and `aavae data fetch`.</summary>
public static class DataJob
{
    /// <summary>Checks every file of the manifest; the result lists every problem.</summary>
    public static VerificationResult Verify(string manifest, string directory, CancellationToken cancellationToken) =>
        DatasetVerifier.Verify(directory, ManifestSources.Load(manifest), cancellationToken);

    /// <summary>
    /// Downloads what is missing or wrong (from <paramref name="mirror"/> when given), then verifies.
    /// </summary>
    public static async Task<VerificationResult> FetchAsync(string manifest, string directory, string? mirror,
        TextWriter log, CancellationToken cancellationToken)
    {
        Uri? mirrorUri = null;
        if (mirror is not null
            && !Uri.TryCreate(mirror.EndsWith('/') ? mirror : mirror + "/", UriKind.Absolute, out mirrorUri))
            throw new FormatException($"--mirror '{mirror}' is not an absolute URL.");
        using var fetcher = new DatasetFetcher(new DatasetFetcherOptions { MirrorBaseUrl = mirrorUri });
        return await fetcher.FetchAsync(
            ManifestSources.Load(manifest), directory, new LogProgress(log), cancellationToken);
    }

    // Synchronous, unlike Progress<T>, so that lines come out in order and before the command returns.
    private sealed class LogProgress(TextWriter log) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value)
        {
            if (value.Stage != FetchStage.Downloading)
                log.WriteLine($"{value.FileName}: {value.Stage.ToString().ToLowerInvariant()}");
        }
    }
}
