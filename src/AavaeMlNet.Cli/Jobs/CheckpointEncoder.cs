using AavaeMlNet.Augmentations;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using static TorchSharp.torch;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// The TorchSharp model of a checkpoint (encoder.ckpt or last.ckpt) in evaluation mode, with the view distribution it
/// was trained with: what the analyses that need more than the embedding (views, reconstructions) run on.
/// </summary>
public sealed class CheckpointEncoder : IDisposable
{
    private CheckpointEncoder(AavaeModel model, CheckpointHeader header)
    {
        Model = model;
        Header = header;
        model.eval();
    }

    public AavaeModel Model { get; }
    public CheckpointHeader Header { get; }
    public AugmentationOptions Augmentation => Header.Augmentation;
    public (int Channels, int Height, int Width) Shape => (Model.Config.Channels, Model.Config.Height, Model.Config.Width);

    /// <summary>Loads <paramref name="checkpoint"/>, or encoder.ckpt beside <paramref name="model"/>.</summary>
    public static CheckpointEncoder Load(string? checkpoint, string? model)
    {
        string path = checkpoint ?? (model is null
            ? throw new ArgumentException("Give --checkpoint encoder.ckpt or --model model.zip (with encoder.ckpt beside it).")
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(model))!, "encoder.ckpt"));
        if (checkpoint is null && !File.Exists(path))
            throw new FileNotFoundException($"This analysis needs the TorchSharp checkpoint: '{path}' (written by aavae pretrain beside the model) does not exist; give --checkpoint.", path);
        var (loaded, header) = Checkpoint.LoadModel(path);
        return new CheckpointEncoder(loaded, header);
    }

    /// <summary>Images of <paramref name="records"/> as a (N, C, H, W) tensor in [0, 1].</summary>
    public Tensor ToTensor(IReadOnlyList<ImageRecord> records)
    {
        var (c, h, w) = Shape;
        var values = new float[records.Count * c * h * w];
        for (int i = 0; i < records.Count; i++)
            for (int j = 0; j < c * h * w; j++) values[i * c * h * w + j] = records[i].PixelsChw[j] / 255f;
        return tensor(values, [records.Count, c, h, w]);
    }

    /// <summary>Backbone features of already-normalized images. Shape: (N, C, H, W) -> (N, h).</summary>
    public Tensor Features(Tensor normalized)
    {
        using var noGrad = no_grad();
        return Model.forward(normalized);
    }

    /// <summary>Reconstructions through z = mu, back in [0, 1]. Shape: (N, C, H, W) -> (N, C, H, W).</summary>
    public Tensor Reconstruct(Tensor images)
    {
        using var noGrad = no_grad();
        var normalization = Augmentation.Normalization;
        return normalization.Invert(Model.Reconstruct(normalization.Apply(images))).clamp(0, 1);
    }

    public void Dispose() => Model.Dispose();
}
