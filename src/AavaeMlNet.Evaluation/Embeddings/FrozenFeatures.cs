using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.Evaluation.Embeddings;

/// <summary>
/// Backbone features of a frozen model (evaluation mode, no-grad), computed in batches from CHW pixels in [0, 1]: the
/// paper's protocol. The model's training mode is restored afterwards, so this can run between training epochs.
/// </summary>
public static class FrozenFeatures
{
    /// <param name="model">The model; its backbone output h is the feature.</param>
    /// <param name="normalization">The normalization the model was trained with.</param>
    /// <param name="pixels">Images stored back to back, each C*H*W values in [0, 1].</param>
    /// <param name="count">Number of images.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public static EmbeddingMatrix Compute(AavaeModel model, Normalization normalization, float[] pixels, int count,
        int batchSize = 256)
    {
        var c = model.Config;
        int length = c.Channels * c.Height * c.Width;
        if ((long)count * length != pixels.Length)
            throw new ArgumentException(
                $"Expected {count} images of {length} values, got {pixels.Length} values.", nameof(pixels));
        bool wasTraining = model.training;
        var device = model.parameters().First().device;
        var features = new float[(long)count * c.FeatureDim];
        model.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(batchSize, count - start);
                var values = pixels.AsSpan(start * length, n * length).ToArray();
                var batch = tensor(values, [n, c.Channels, c.Height, c.Width]).to(device);
                var output = model.forward(normalization.Apply(batch)).cpu();
                output.data<float>().CopyTo(features.AsSpan(start * c.FeatureDim, n * c.FeatureDim));
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return new EmbeddingMatrix(features, count, c.FeatureDim);
    }
}
