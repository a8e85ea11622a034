using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// How to read a reference checkpoint. Every setting left null comes from the checkpoint's hyper_parameters
/// (encoder_name, input_height, first_conv3x3, remove_first_maxpool, dataset, kl_coeff, denoising, learn_scale and
/// the optimiser settings), or, for a plain state_dict without them, from the tensor shapes and the stem's usual
/// image size.
/// </summary>
public sealed record ReferenceImportOptions
{
    /// <summary>
    /// Import the encoder and projection head of a file that also holds the reference decoder, leaving the decoder
    /// freshly initialized. Required for such files: the reference decoder does not map onto this project's
    /// (<see cref="ReferenceLayout.ReferenceDecoderPrefix"/>), and a load never drops weights unasked.
    /// </summary>
    public bool SkipDecoder { get; init; }

    /// <summary>Encoder depth; default: encoder_name, else the block layout of the state_dict.</summary>
    public Depth? Depth { get; init; }

    /// <summary>
    /// Encoder stem; default: first_conv3x3 / remove_first_maxpool, else conv1's kernel (7x7: STL stem).
    /// </summary>
    public Stem? Stem { get; init; }

    /// <summary>Square image side the model takes; default: input_height, else 32, 96 or 224 by stem.</summary>
    public int? ImageSize { get; init; }

    /// <summary>Input normalization; default: the one of the "dataset" hyperparameter, else by stem.</summary>
    public Normalization? Normalization { get; init; }

    /// <summary>Variant for continued pretraining; default: AAVAE when denoising (or unknown), else the VAE.</summary>
    public Variant? Variant { get; init; }
}
