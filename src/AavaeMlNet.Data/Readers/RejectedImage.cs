namespace AavaeMlNet.Data.Readers;

/// <summary>An image file that could not be read, as skipped by <see cref="UndecodableImagePolicy.Skip"/>.</summary>
/// <param name="Index">Position of the file in the source.</param>
/// <param name="Path">The file.</param>
/// <param name="Reason">Why it could not be read.</param>
public sealed record RejectedImage(int Index, string Path, string Reason)
{
    /// <summary>One line naming the file, its record and the reason.</summary>
    public string Message => $"File '{Path}' (record {Index}) could not be decoded as a PNG or JPEG image: {Reason}";
}
