namespace AavaeMlNet.Data.Readers;

/// <summary>
/// One image of a data set as 8-bit pixels in channel-major (CHW) order, with its class index.
/// </summary>
/// <param name="PixelsChw">
/// Channels * Height * Width bytes: all of channel 0 row by row, then channel 1, and so on.
/// Shape: (channels, height, width) as given by the source's <see cref="ImageSetInfo"/>.
/// </param>
/// <param name="Label">0-based class index, or <see cref="NoLabel"/> when the data set has no labels.</param>
/// <param name="Index">Position of the record in its source (file order), the index that splits refer to.</param>
public sealed record ImageRecord(byte[] PixelsChw, int Label, int Index)
{
    /// <summary>The label of records from an unlabeled source.</summary>
    public const int NoLabel = -1;
}
