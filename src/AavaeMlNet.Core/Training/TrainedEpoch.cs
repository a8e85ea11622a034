using AavaeMlNet.Augmentations;
using AavaeMlNet.Inference;
using AavaeMlNet.Model;

namespace AavaeMlNet.Training;

/// <summary>
/// The model at the end of an epoch, as an epoch callback sees it without TorchSharp: which epoch it was and the
/// backbone features of any images through the frozen encoder (evaluation mode, fp32, no gradients; training mode
/// is restored afterwards, so the run is not disturbed). Valid only during the callback: training goes on after it.
/// </summary>
public sealed class TrainedEpoch
{
    private readonly FrozenModel frozen;

    /// <param name="epoch">The 0-based epoch just completed.</param>
    /// <param name="model">The model being trained.</param>
    /// <param name="normalization">The normalization it trains with.</param>
    public TrainedEpoch(int epoch, AavaeModel model, Normalization normalization)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(normalization);
        Epoch = epoch;
        frozen = new FrozenModel(model, normalization);
    }

    /// <summary>The 0-based epoch just completed.</summary>
    public int Epoch { get; }

    /// <summary>Values per image the features take: channels, height, width in CHW order.</summary>
    public (int Channels, int Height, int Width) ImageShape =>
        (frozen.Model.Config.Channels, frozen.Model.Config.Height, frozen.Model.Config.Width);

    /// <summary>Length of one image's features (the embedding: h, plus its grid).</summary>
    public int FeatureSize => frozen.Model.Config.EmbeddingDim;

    /// <summary>
    /// Backbone features of <paramref name="count"/> images stored back to back in <paramref name="pixels"/> (CHW
    /// values in [0, 1] each): count x <see cref="FeatureSize"/> values, image after image.
    /// </summary>
    /// <exception cref="ArgumentException">The pixels are not <paramref name="count"/> images of
    /// <see cref="ImageShape"/>.</exception>
    public float[] Features(float[] pixels, int count, int batchSize = 256) =>
        frozen.Features(pixels, count, batchSize);
}
