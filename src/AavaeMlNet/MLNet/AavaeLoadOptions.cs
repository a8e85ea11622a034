namespace AavaeMlNet.MLNet;

/// <summary>
/// The columns of a transformer made from a saved model rather than fitted: <c>LoadAavaeCheckpoint</c> (a TorchSharp
/// checkpoint of this library) and <c>ImportAavaePyTorch</c> (<see cref="PyTorchImportOptions"/>).
/// </summary>
public class AavaeLoadOptions
{
    /// <summary>The input column: an image of the model's size, or a CHW Vector&lt;Single&gt; in [0, 1].</summary>
    public string InputColumnName { get; set; } = "Image";

    /// <summary>Whether the input column holds images (LoadImages + ResizeImages) or pixel vectors.</summary>
    public ImageColumnKind InputKind { get; set; } = ImageColumnKind.Image;

    /// <summary>The embedding column.</summary>
    public string OutputColumnName { get; set; } = "Embedding";

    /// <summary>The backbone embedding (h and the model's grid) or mu.</summary>
    public Representation Representation { get; set; } = Representation.Backbone;

    /// <summary>Images per forward pass.</summary>
    public int InferenceBatchSize { get; set; } = 256;
}
