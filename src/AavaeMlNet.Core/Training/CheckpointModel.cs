using AavaeMlNet.Augmentations;
using AavaeMlNet.Inference;
using AavaeMlNet.Model;
using AavaeMlNet.Pixels;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// The whole TorchSharp model of a checkpoint (encoder.ckpt or last.ckpt: encoder, projection head and decoder), run
/// through <see cref="FrozenModel"/>, with the view distribution it was trained with: checkpoint inference for the
/// analyses that need more than the embedding (views, reconstructions).
/// </summary>
public sealed class CheckpointModel : IDisposable
{
    private CheckpointModel(AavaeModel model, CheckpointHeader header)
    {
        Model = model;
        Header = header;
        Frozen = new FrozenModel(model, header.Augmentation.Normalization);
    }

    public AavaeModel Model { get; }

    /// <summary>The model run frozen: features, means and reconstructions.</summary>
    public FrozenModel Frozen { get; }
    public CheckpointHeader Header { get; }
    public AugmentationOptions Augmentation => Header.Augmentation;
    public (int Channels, int Height, int Width) Shape =>
        (Model.Config.Channels, Model.Config.Height, Model.Config.Width);

    /// <summary>Loads <paramref name="checkpoint"/>, or encoder.ckpt beside <paramref name="model"/>.</summary>
    public static CheckpointModel Load(string? checkpoint, string? model)
    {
        string path = checkpoint ?? (model is null
            ? throw new ArgumentException(
                "Give checkpoint, an encoder.ckpt, or the model.zip it was saved with (encoder.ckpt beside it).",
                nameof(checkpoint))
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(model))!, "encoder.ckpt"));
        if (checkpoint is null && !File.Exists(path))
            throw new FileNotFoundException(
                $"This analysis needs the TorchSharp checkpoint: '{path}' " +
                "(written beside the model when it was pretrained) does not exist; give checkpoint.", path);
        var (loaded, header) = Checkpoint.LoadModel(path);
        return new CheckpointModel(loaded, header);
    }

    /// <summary>Stored images (bytes in CHW order, one array per image) as a (N, C, H, W) tensor in [0, 1].</summary>
    public Tensor ToTensor(IReadOnlyList<byte[]> pixelsChw)
    {
        var (c, h, w) = Shape;
        int length = c * h * w;
        var values = new float[pixelsChw.Count * length];
        for (int i = 0; i < pixelsChw.Count; i++)
            PixelScale.ToUnit(pixelsChw[i].AsSpan(0, length), values.AsSpan(i * length, length));
        return tensor(values, [pixelsChw.Count, c, h, w]);
    }

    public void Dispose() => Model.Dispose();
}
