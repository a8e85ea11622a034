namespace AavaeMlNet.Data.Download;

/// <summary>A progress report of <see cref="DatasetFetcher"/>.</summary>
/// <param name="FileName">The file being handled.</param>
/// <param name="Stage">What is happening to it.</param>
/// <param name="BytesDone">Bytes of the file on disk so far (downloads), else 0.</param>
/// <param name="TotalBytes">Expected total bytes when known.</param>
public sealed record FetchProgress(string FileName, FetchStage Stage, long BytesDone, long? TotalBytes);

/// <summary>Stages of fetching one file.</summary>
public enum FetchStage
{
    /// <summary>Already present with the right checksum: not downloaded again.</summary>
    AlreadyPresent,

    /// <summary>Bytes are arriving.</summary>
    Downloading,

    /// <summary>Checksums are being computed.</summary>
    Verifying,

    /// <summary>The archive is being unpacked.</summary>
    Extracting,

    /// <summary>The file is in place.</summary>
    Done,
}
