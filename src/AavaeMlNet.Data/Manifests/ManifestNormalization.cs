namespace AavaeMlNet.Data.Manifests;

/// <summary>Per-channel mean and standard deviation of pixel values in [0, 1], the data set's normalization.</summary>
public sealed class ManifestNormalization
{
    /// <summary>Mean per channel.</summary>
    public required IReadOnlyList<float> Mean { get; init; }

    /// <summary>Standard deviation per channel (positive).</summary>
    public required IReadOnlyList<float> Std { get; init; }
}
