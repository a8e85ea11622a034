using AavaeMlNet.PyTorch;

namespace AavaeMlNet.MLNet;

/// <summary>
/// How <c>AavaeTransformer.FromPyTorch</c> reads a checkpoint of the paper's reference implementation and
/// which columns the resulting transformer uses.
/// </summary>
public sealed class PyTorchImportOptions
{
    /// <summary>The input column: an image of the model's size, or a CHW Vector&lt;Single&gt; in [0, 1].</summary>
    public string InputColumnName = "Image";

    /// <summary>Whether the input column holds images (LoadImages + ResizeImages) or pixel vectors.</summary>
    public ImageColumnKind InputKind = ImageColumnKind.Image;

    /// <summary>The embedding column.</summary>
    public string OutputColumnName = "Embedding";

    /// <summary>Backbone features h (the paper's protocol) or mu.</summary>
    public Representation Representation = Representation.Backbone;

    /// <summary>Images per forward pass.</summary>
    public int InferenceBatchSize = 256;

    /// <summary>
    /// Settings of the import: <see cref="ReferenceImportOptions.SkipDecoder"/> (needed for files that hold the
    /// reference decoder) and overrides of what the checkpoint's hyperparameters say.
    /// </summary>
    public ReferenceImportOptions Reference = new();
}
