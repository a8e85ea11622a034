namespace AavaeMlNet.Data.Manifests;

/// <summary>The size of every image of a data set.</summary>
public sealed class ManifestImageShape
{
    /// <summary>1 (grayscale) or 3 (RGB).</summary>
    public required int Channels { get; init; }

    /// <summary>Rows.</summary>
    public required int Height { get; init; }

    /// <summary>Columns.</summary>
    public required int Width { get; init; }
}
