namespace AavaeMlNet.Data.Readers;

/// <summary>The records of a parent source at a fixed set of positions, in file order.</summary>
internal sealed class SubsetImageSource : ImageSource
{
    private readonly ImageSource parent;
    private readonly int[] ascending;

    public SubsetImageSource(ImageSource parent, IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        this.parent = parent;
        ascending = indices.ToArray();
        Array.Sort(ascending);
        for (int i = 0; i < ascending.Length; i++)
        {
            if (ascending[i] < 0 || ascending[i] >= parent.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"Subset index {ascending[i]} is outside the source's {parent.Count} records " +
                    $"(expected 0..{parent.Count - 1}).");
            }
            if (i > 0 && ascending[i] == ascending[i - 1])
            {
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"Subset index {ascending[i]} appears more than once.");
            }
        }
    }

    public override ImageSetInfo Info => parent.Info;

    public override int Count => ascending.Length;

    public override bool IsCountExact => parent.IsCountExact;

    protected internal override IEnumerable<ImageRecord> ReadCore(int[]? ascendingIndices)
    {
        int[] mapped = ascendingIndices is null
            ? ascending
            : Array.ConvertAll(ascendingIndices, i => ascending[i]);
        return parent.ReadCore(mapped);
    }
}
