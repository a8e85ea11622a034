using AavaeMlNet.Augmentations;
using AavaeMlNet.Inference;
using AavaeMlNet.Model;
using AavaeMlNet.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.MLNet;

/// <summary>
/// The frozen network behind the transformer, shared by any number of cursors and threads under one lock. On the CPU
/// it embeds through the exported encoder in ONNX Runtime (<see cref="OnnxEncoder"/>, made at the first call from the
/// weights as they are then, with BatchNorm folded), the fastest CPU path and the graph a saved model.zip runs; on a
/// CUDA device through <see cref="FrozenModel"/>. Both are fp32 and agree within 5e-5.
/// </summary>
internal sealed class EmbeddingModel : IDisposable
{
    private readonly object gate = new();
    private readonly FrozenModel frozen;
    private OnnxEncoder? onnx;

    public EmbeddingModel(AavaeModel model, Normalization normalization, Representation representation, Device device)
    {
        Representation = representation;
        Device = device;
        model.eval();
        frozen = new FrozenModel(model, normalization, device);
        Size = representation == Representation.Backbone ? model.Config.EmbeddingDim : model.Config.LatentDim;
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
            if (Device.type == DeviceType.CPU)
                (onnx ??= Export(new EncoderExportOptions { IncludeMu = Representation == Representation.Mu }))
                    .Embed(pixels, count, embeddings);
            else if (Representation == Representation.Backbone)
                frozen.Features(pixels, count, embeddings, batchSize: count);
            else
                frozen.Means(pixels, count, embeddings, batchSize: count);
        }
    }

    /// <summary>Embeds through <paramref name="encoder"/> from now on (the model then owns it).</summary>
    public void UseEncoder(OnnxEncoder encoder)
    {
        lock (gate)
        {
            onnx?.Dispose();
            onnx = encoder;
        }
    }

    /// <summary>
    /// The encoder exported with <paramref name="options"/> from the weights as they are now, in ONNX Runtime, its
    /// output the embedding of <see cref="Representation"/>.
    /// </summary>
    public OnnxEncoder Export(EncoderExportOptions options)
    {
        using var stream = new MemoryStream();
        OnCpu(m => EncoderOnnxExporter.Export(m, Normalization, options, stream));
        return new OnnxEncoder(stream.ToArray(),
            Representation == Representation.Backbone ? options.EmbeddingName : options.MuName);
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

    public void Dispose()
    {
        onnx?.Dispose();
        Model.Dispose();
    }
}
