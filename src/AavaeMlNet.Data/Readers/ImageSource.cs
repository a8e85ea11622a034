namespace AavaeMlNet.Data.Readers;

/// <summary>
/// A streaming, read-only sequence of images in file order. Readers never shuffle; use
/// <see cref="Subset"/> with indices from <see cref="Splits.DatasetSplitter"/> to take a split.
/// </summary>
public abstract class ImageSource
{
    /// <summary>Shape and class names of the records.</summary>
    public abstract ImageSetInfo Info { get; }

    /// <summary>Number of records (for image folders: number of image files found).</summary>
    public abstract int Count { get; }

    /// <summary>
    /// True when enumerating yields exactly <see cref="Count"/> records; false when undecodable
    /// records may be skipped (image folders with <see cref="UndecodableImagePolicy.Skip"/>).
    /// </summary>
    public virtual bool IsCountExact => true;

    /// <summary>Reads every record in file order, opening the files afresh on each call.</summary>
    public IEnumerable<ImageRecord> Read() => ReadCore(null);

    /// <summary>
    /// Reads the records at the given ascending, distinct positions (0 .. Count-1), in that order.
    /// Formats with fixed-size records seek straight to each one.
    /// </summary>
    protected internal abstract IEnumerable<ImageRecord> ReadCore(int[]? ascendingIndices);

    /// <summary>
    /// A view of the records at <paramref name="indices"/> (distinct, each in 0 .. Count-1).
    /// Records come out in file order whatever the order of the indices; their
    /// <see cref="ImageRecord.Index"/> stays the position in the underlying file(s).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range or repeated.</exception>
    public ImageSource Subset(IEnumerable<int> indices) => new SubsetImageSource(this, indices);
}
