using AavaeMlNet.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// Recomputes the BatchNorm statistics of the encoder and the projection head on clean (un-augmented) images.
/// Training shows the encoder only augmented views, so its running statistics describe views, while features are
/// extracted from clean images. The reference implementation also passes the originals through the encoder in
/// every step for this reason; recomputing afterwards costs one forward pass over a few thousand images.
/// </summary>
public static class BatchNormRecalibration
{
    /// <summary>
    /// Resets the statistics and averages them (cumulatively, not with momentum) over <paramref name="cleanBatches"/>:
    /// normalized originals, (N, C, H, W) with N >= 2, on the model's device. Returns the number of images used.
    /// Weights are not touched; the model's train/eval mode is restored.
    /// </summary>
    public static long Run(AavaeModel model, IEnumerable<Tensor> cleanBatches)
    {
        var norms = model.Encoder.modules().Concat(model.Projection.modules()).OfType<BatchNorm>().ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        bool wasTraining = model.training;
        long images = 0;
        try
        {
            foreach (var norm in norms)
            {
                norm.reset_running_stats();
                norm.momentum = null;
            }
            model.train();
            using var noGrad = no_grad();
            foreach (var batch in cleanBatches)
            {
                if (batch.shape[0] < 2) continue;
                using var scope = NewDisposeScope();
                model.Encode(batch);
                images += batch.shape[0];
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            model.train(wasTraining);
        }
        return images;
    }
}
