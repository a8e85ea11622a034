using static TorchSharp.torch;

namespace AavaeMlNet.Augmentations;

/// <summary>
/// Draws augmented views x+ ~ A(x) for a whole batch with one independent draw per sample, reproducibly from a
/// seeded <see cref="Generator"/> (TorchSharp's own transforms draw one setting per batch and take no generator).
/// Order as in SimCLR: random resized crop + flip -> colour jitter -> random grayscale -> Gaussian blur -> normalize,
/// then random erasing where it is on (as torchvision applies it, to the normalized tensor).
/// Input: (N, C, H, W) in [0, 1]; output: the normalized view, same shape.
/// </summary>
public sealed class SimClrAugmentation
{
    public SimClrAugmentation(AugmentationOptions options)
    {
        options.Validate();
        Options = options;
    }

    /// <summary>The view distribution.</summary>
    public AugmentationOptions Options { get; }

    /// <summary>
    /// One augmented, normalized view per sample. The number of uniforms consumed depends only on N and on whether
    /// erasing is on, so the stream stays aligned whatever the other options.
    /// </summary>
    public Tensor View(Tensor images, Generator? generator)
    {
        CheckImages(images);
        using var scope = NewDisposeScope();
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        var boxes = RandomResizedCrop.Draw(n, (int)h, (int)w, Options.CropScale, Options.CropRatio,
            Options.FlipProbability, generator);
        bool identityCrop = boxes.All(b => b is { Left: 0, Top: 0, Flip: false } && b.Width == w && b.Height == h);
        var x = identityCrop ? images : RandomResizedCrop.Apply(images, boxes, h, w);
        x = ColorJitter.Apply(x, Options.JitterProbability, Options.JitterStrength, Options.JitterChroma, generator);
        x = RandomGrayscale.Apply(x, Options.GrayscaleProbability, generator);
        x = GaussianBlur.Apply(x, Options.BlurProbability, Options.BlurSigma, Options.BlurKernelFraction, generator);
        x = Options.Normalization.Apply(x);
        if (Options.ErasingProbability > 0)
            x = RandomErasing.Apply(x, RandomErasing.Draw(n, (int)h, (int)w, Options.ErasingScale,
                Options.ErasingRatio, Options.ErasingProbability, generator));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The reconstruction target: the un-augmented original, normalized.</summary>
    public Tensor Target(Tensor images)
    {
        CheckImages(images);
        return Options.Normalization.Apply(images);
    }

    private void CheckImages(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != Options.Normalization.Channels)
            throw new ArgumentException(
                $"Augmentation expects images of shape (N, {Options.Normalization.Channels}, H, W) in [0, 1], " +
                $"got ({string.Join(", ", images.shape)}).",
                nameof(images));
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException(
                $"Augmentation expects Float32 images in [0, 1], got {images.dtype}.", nameof(images));
    }
}
