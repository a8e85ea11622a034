namespace AavaeMlNet.Data.Download;

/// <summary>Options of <see cref="DatasetFetcher"/>.</summary>
public sealed class DatasetFetcherOptions
{
    /// <summary>
    /// Mirror to download from instead of the official addresses: each download's file name is appended
    /// to this base (e.g. http://127.0.0.1:8080/data/). Null: use the manifest's addresses.
    /// </summary>
    public Uri? MirrorBaseUrl { get; init; }

    /// <summary>
    /// Attempts per file when the connection fails or drops (the next attempt resumes the .part) or the server answers
    /// a status that may pass (5xx, 408, 429). Other statuses (404, 403, ...) fail at the first attempt. Default 3.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Pause before a retry, doubled each time. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
