namespace AavaeMlNet.Data.Readers;

/// <summary>What an <see cref="ImageFolderSource"/> does with a file it cannot decode.</summary>
public enum UndecodableImagePolicy
{
    /// <summary>Throw an <see cref="InvalidDataException"/> naming the file and record index.</summary>
    Throw,

    /// <summary>
    /// Skip the file, count it in <see cref="ImageFolderSource.SkippedCount"/> and report it through
    /// <see cref="ImageFolderOptions.OnSkipped"/>.
    /// </summary>
    Skip,
}
