using AavaeMlNet.Evaluation.Embeddings;

namespace AavaeMlNet.Evaluation.Baselines;

/// <summary>The pixels themselves as features: what a probe can do without any representation learning.</summary>
public sealed class RawPixels : BaselineFeaturizer
{
    /// <summary>The one instance: raw pixels have no settings.</summary>
    public static RawPixels Instance { get; } = new();

    private RawPixels() { }

    /// <inheritdoc/>
    public override string Id => "raw";

    /// <inheritdoc/>
    public override string Name => "raw pixels";

    /// <inheritdoc/>
    public override long ModelBytes => 0;

    /// <inheritdoc/>
    public override string Fingerprint => "raw pixels";

    /// <inheritdoc/>
    public override bool IsWorthCaching => false;

    /// <inheritdoc/>
    public override int Dimension((int Channels, int Height, int Width) shape) =>
        shape.Channels * shape.Height * shape.Width;

    /// <inheritdoc/>
    public override EmbeddingMatrix Featurize(ReadOnlyMemory<float> pixels, int count,
        (int Channels, int Height, int Width) shape, CancellationToken cancellationToken = default) =>
        new(pixels[..(count * Dimension(shape))].ToArray(), count, Dimension(shape));
}
