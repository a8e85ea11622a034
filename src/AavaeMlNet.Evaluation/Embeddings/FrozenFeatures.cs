using AavaeMlNet.Augmentations;
using AavaeMlNet.Inference;
using AavaeMlNet.Model;

namespace AavaeMlNet.Evaluation.Embeddings;

/// <summary>
/// The embedding of a frozen model (<see cref="FrozenModel"/>: evaluation mode, no-grad, training mode restored
/// afterwards), computed in batches from CHW pixels in [0, 1] into an <see cref="EmbeddingMatrix"/>: the paper's
/// protocol (backbone features h), plus the model's embedding grid when it has one.
/// </summary>
public static class FrozenFeatures
{
    /// <param name="model">The model; its forward (h and its grid, EmbeddingDim values) is the feature.</param>
    /// <param name="normalization">The normalization the model was trained with.</param>
    /// <param name="pixels">Images stored back to back, each C*H*W values in [0, 1].</param>
    /// <param name="count">Number of images.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public static EmbeddingMatrix Compute(AavaeModel model, Normalization normalization, float[] pixels, int count,
        int batchSize = 256)
        => new(new FrozenModel(model, normalization).Features(pixels, count, batchSize), count,
            model.Config.EmbeddingDim);
}
