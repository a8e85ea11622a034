using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Inference;

/// <summary>
/// The one way to run a trained model frozen: evaluation mode, no gradients, on the device that holds its weights,
/// in fp32 whatever precision it trained in (its <see cref="ComputeFormat"/> layout is kept), on CHW pixels in
/// [0, 1] that it normalizes itself. fp32 makes the embeddings of a freshly fitted transformer equal (to float
/// rounding) those of its ONNX export, a reloaded model.zip and `embed`, on every machine: bf16 inference differed
/// from them by up to 0.03 on a CPU with AMX. The model's training mode and precision are restored afterwards, so
/// this can run between training epochs. The
/// transformer, the evaluation probes, the CLI's checkpoint analyses, the demo's report and the bench all run their
/// model through it. Not thread-safe: callers that share one model across threads hold a lock around it.
/// </summary>
public sealed class FrozenModel
{
    private readonly Device device;

    /// <param name="model">The trained model.</param>
    /// <param name="normalization">The normalization it was trained with.</param>
    /// <param name="device">Where its weights are; read from its parameters when not given.</param>
    public FrozenModel(AavaeModel model, Normalization normalization, Device? device = null)
    {
        Model = model;
        Normalization = normalization;
        this.device = device ?? model.parameters().First().device;
    }

    public AavaeModel Model { get; }
    public Normalization Normalization { get; }

    /// <summary>Values in one image: C * H * W.</summary>
    public int ImageLength => Model.Config.Channels * Model.Config.Height * Model.Config.Width;

    /// <summary>
    /// The representation (<see cref="AavaeModel.forward"/>: backbone features h, plus the embedding's grid).
    /// (N, C, H, W) in [0, 1] -> (N, <see cref="AavaeConfig.EmbeddingDim"/>) on the CPU.
    /// </summary>
    public Tensor Features(Tensor images) => Run(images, normalized => Model.forward(normalized));

    /// <summary>
    /// Backbone features of views that are already normalized, as <see cref="SimClrAugmentation.View"/> returns them.
    /// Shape: (N, C, H, W) -> (N, <see cref="AavaeConfig.EmbeddingDim"/>), on the CPU.
    /// </summary>
    public Tensor FeaturesOfViews(Tensor views) => Frozen(() => Model.forward(views.to(device)).cpu());

    /// <summary>Posterior means mu. Shape: (N, C, H, W) in [0, 1] -> (N, latent), on the CPU.</summary>
    public Tensor Means(Tensor images) => Run(images, normalized => Model.Encode(normalized).Mu);

    /// <summary>
    /// The decoder's output through z = mu, mapped back to pixel space and clamped to [0, 1].
    /// Shape: (N, C, H, W) in [0, 1] -> same shape, on the CPU.
    /// </summary>
    public Tensor Reconstruct(Tensor images) =>
        Run(images, normalized => Normalization.Invert(Model.Reconstruct(normalized)).clamp(0, 1));

    /// <summary>
    /// Features of <paramref name="count"/> images stored back to back in <paramref name="pixels"/> (C*H*W values in
    /// [0, 1] each), <paramref name="batchSize"/> per forward pass; writes count * EmbeddingDim values into
    /// <paramref name="output"/>.
    /// </summary>
    public void Features(float[] pixels, int count, Span<float> output, int batchSize) =>
        Batched(pixels, count, output, batchSize, Model.Config.EmbeddingDim, Features);

    /// <summary>
    /// Features of exactly <paramref name="count"/> images stored back to back in <paramref name="pixels"/>, as a
    /// new array of count * EmbeddingDim values.
    /// </summary>
    /// <exception cref="ArgumentException">The pixels are not <paramref name="count"/> whole images.</exception>
    public float[] Features(float[] pixels, int count, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)count * ImageLength != pixels.Length)
            throw new ArgumentException(
                $"Expected {count} images of {ImageLength} values, got {pixels.Length} values.", nameof(pixels));
        var features = new float[(long)count * Model.Config.EmbeddingDim];
        Features(pixels, count, features, batchSize);
        return features;
    }

    /// <summary>Means mu of images stored back to back, in batches like the features.</summary>
    public void Means(float[] pixels, int count, Span<float> output, int batchSize) =>
        Batched(pixels, count, output, batchSize, Model.Config.LatentDim, Means);

    private void Batched(float[] pixels, int count, Span<float> output, int batchSize, int size,
        Func<Tensor, Tensor> embed)
    {
        int length = ImageLength;
        if ((long)count * length > pixels.Length)
            throw new ArgumentException(
                $"Expected {count} images of {length} values, got {pixels.Length} values.", nameof(pixels));
        if ((long)count * size > output.Length)
            throw new ArgumentException(
                $"Expected room for {count} embeddings of {size} values, got {output.Length}.", nameof(output));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var c = Model.Config;
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, count - start);
            // tensor() copies its array: pass a buffer that is exactly one batch as is, and slice only otherwise.
            var values = n * length == pixels.Length ? pixels : pixels[(start * length)..((start + n) * length)];
            var batch = tensor(values, [n, c.Channels, c.Height, c.Width]);
            embed(batch).data<float>().CopyTo(output.Slice(start * size, n * size));
        }
    }

    private Tensor Run(Tensor images, Func<Tensor, Tensor> output) =>
        Frozen(() => output(Normalization.Apply(images.to(device))).cpu());

    private Tensor Frozen(Func<Tensor> compute)
    {
        // A model already in evaluation mode (the transformer's, on every row) is not walked twice per call.
        bool wasTraining = Model.training;
        var trainedPrecision = Model.Compute.Precision;
        if (wasTraining) Model.eval();
        Model.Compute.Precision = Precision.Float32;
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return compute().contiguous().MoveToOuterDisposeScope();
        }
        finally
        {
            Model.Compute.Precision = trainedPrecision;
            if (wasTraining) Model.train();
        }
    }
}
