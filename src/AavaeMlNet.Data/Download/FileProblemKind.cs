namespace AavaeMlNet.Data.Download;

/// <summary>What is wrong with a data set file.</summary>
public enum FileProblemKind
{
    /// <summary>The file does not exist.</summary>
    Missing,

    /// <summary>The file's length matches no accepted size.</summary>
    WrongSize,

    /// <summary>The length is right but the SHA-256 or MD5 matches no accepted checksum.</summary>
    WrongChecksum,
}
