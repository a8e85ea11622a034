using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// A model built from a reference checkpoint: its encoder, projection head and likelihood hold the checkpoint's
/// tensors; the decoder is freshly initialized (see <see cref="ReferenceLayout.ReferenceDecoderPrefix"/>).
/// </summary>
/// <param name="Model">The model (the caller owns and disposes it).</param>
/// <param name="Augmentation">The reference's view distribution for the data set, with its input normalization.</param>
/// <param name="Training">The checkpoint's optimiser settings, for continued pretraining.</param>
/// <param name="ImportedTensors">How many tensors were loaded.</param>
/// <param name="SkippedDecoderTensors">How many decoder.* tensors of the file were left out.</param>
/// <param name="Notes">Where each setting came from (hyperparameter, tensor shape, option or default).</param>
public sealed record ReferenceImport(
    AavaeModel Model, AugmentationOptions Augmentation, TrainingOptions Training,
    int ImportedTensors, int SkippedDecoderTensors, IReadOnlyList<string> Notes);
