using static TorchSharp.torch;

namespace AavaeMlNet.Augmentations;

/// <summary>
/// Batched random grayscale: each RGB sample, with probability p, becomes its luma replicated over the three
/// channels. Single-channel images pass through. Shape: (N, C, H, W) -> (N, C, H, W).
/// </summary>
public static class RandomGrayscale
{
    /// <summary>Consumes exactly N uniforms from <paramref name="generator"/>.</summary>
    public static Tensor Apply(Tensor images, double probability, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var mask = RandomDraws.Mask(images.shape[0], probability, generator, images.device);
        if (images.shape[1] == 1 || probability <= 0) return images.alias().MoveToOuterDisposeScope();
        var gray = ColorOps.Grayscale(images).expand_as(images);
        return where(mask, gray, images).MoveToOuterDisposeScope();
    }
}
