using AavaeMlNet.Augmentations;
using AavaeMlNet.Inference;
using AavaeMlNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.MLNet;

/// <summary>
/// The frozen network behind the transformer: embeds CHW pixel batches through <see cref="FrozenModel"/> under one
/// lock, so any number of cursors and threads can share it.
/// </summary>
internal sealed class EmbeddingModel : IDisposable
{
    private readonly object gate = new();
    private readonly FrozenModel frozen;

    public EmbeddingModel(AavaeModel model, Normalization normalization, Representation representation, Device device)
    {
        Representation = representation;
        Device = device;
        model.eval();
        frozen = new FrozenModel(model, normalization, device);
        Size = representation == Representation.Backbone ? model.Config.FeatureDim : model.Config.LatentDim;
    }

    public AavaeModel Model => frozen.Model;
    public Normalization Normalization => frozen.Normalization;
    public Representation Representation { get; }
    public Device Device { get; }

    /// <summary>Length of one embedding.</summary>
    public int Size { get; }

    /// <summary>
    /// Embeds <paramref name="count"/> images stored back to back in
    /// <paramref name="pixels"/>, in one forward pass; writes count * Size floats.
    /// </summary>
    public void Embed(float[] pixels, int count, float[] embeddings)
    {
        lock (gate)
        {
            if (Representation == Representation.Backbone)
                frozen.Features(pixels, count, embeddings, batchSize: count);
            else
                frozen.Means(pixels, count, embeddings, batchSize: count);
        }
    }

    /// <summary>Runs <paramref name="action"/> on the model moved to the CPU, excluding concurrent embedding.</summary>
    public void OnCpu(Action<AavaeModel> action)
    {
        lock (gate)
        {
            Model.to(CPU);
            try
            {
                action(Model);
            }
            finally
            {
                Model.to(Device);
                Model.eval();
            }
        }
    }

    public void Dispose() => Model.Dispose();
}
