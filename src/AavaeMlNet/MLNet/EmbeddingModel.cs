using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.MLNet;

/// <summary>
/// The frozen network behind the transformer: normalizes CHW pixel batches and returns embeddings, under no-grad
/// and one lock, so any number of cursors and threads can share it.
/// </summary>
internal sealed class EmbeddingModel : IDisposable
{
    private readonly object gate = new();

    public EmbeddingModel(AavaeModel model, Normalization normalization, Representation representation, Device device)
    {
        Model = model;
        Normalization = normalization;
        Representation = representation;
        Device = device;
        model.eval();
        Size = representation == Representation.Backbone ? model.Config.FeatureDim : model.Config.LatentDim;
    }

    public AavaeModel Model { get; }
    public Normalization Normalization { get; }
    public Representation Representation { get; }
    public Device Device { get; }

    /// <summary>Length of one embedding.</summary>
    public int Size { get; }

    /// <summary>
    /// Embeds <paramref name="count"/> images stored back to back in
    /// <paramref name="pixels"/>; writes count * Size floats.
    /// </summary>
    public void Embed(float[] pixels, int count, float[] embeddings)
    {
        var c = Model.Config;
        lock (gate)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            int length = count * c.Channels * c.Height * c.Width;
            // tensor() copies its array: pass a full buffer as is and slice only a short last batch.
            var batch = length == pixels.Length ? pixels : pixels[..length];
            var images = tensor(batch, [count, c.Channels, c.Height, c.Width]).to(Device);
            var normalized = Normalization.Apply(images);
            var output = Representation == Representation.Backbone
                ? Model.forward(normalized)
                : Model.Encode(normalized).Mu;
            output.to(CPU).data<float>().CopyTo(embeddings.AsSpan(0, count * Size));
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
