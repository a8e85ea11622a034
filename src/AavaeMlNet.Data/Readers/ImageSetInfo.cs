namespace AavaeMlNet.Data.Readers;

/// <summary>Shape and classes shared by every record of an <see cref="ImageSource"/>.</summary>
/// <param name="Channels">1 (grayscale) or 3 (RGB).</param>
/// <param name="Height">Rows per image.</param>
/// <param name="Width">Columns per image.</param>
/// <param name="ClassNames">Class names indexed by label; empty when the source is unlabeled.</param>
public sealed record ImageSetInfo(int Channels, int Height, int Width, IReadOnlyList<string> ClassNames)
{
    /// <summary>Bytes per image: Channels * Height * Width.</summary>
    public int PixelCount => Channels * Height * Width;

    /// <summary>Whether records carry a class label.</summary>
    public bool HasLabels => ClassNames.Count > 0;
}
