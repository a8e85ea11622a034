using AavaeMlNet.PyTorch;

namespace AavaeMlNet.MLNet;

/// <summary>
/// How <c>ImportAavaePyTorch</c> reads a checkpoint of the paper's reference implementation, and the columns of the
/// resulting transformer.
/// </summary>
public sealed class PyTorchImportOptions : AavaeLoadOptions
{
    /// <summary>
    /// Settings of the import: <see cref="ReferenceImportOptions.SkipDecoder"/> (needed for files that hold the
    /// reference decoder) and overrides of what the checkpoint's hyperparameters say.
    /// </summary>
    public ReferenceImportOptions Reference { get; set; } = new();
}
