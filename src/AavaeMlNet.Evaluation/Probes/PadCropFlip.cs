using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AavaeMlNet.Evaluation.Probes;

/// <summary>
/// The CIFAR probe augmentation of the evaluation protocol: reflect-pad by <c>padding</c> pixels, take a random crop of
/// the original size, mirror with probability 0.5; one independent draw per sample from a seeded generator, applied to
/// the whole batch at once by two gathers. Shape: (N, C, H, W) -> (N, C, H, W).
/// </summary>
public static class PadCropFlip
{
    /// <summary>The padding of the paper's CIFAR protocol.</summary>
    public const int CifarPadding = 4;

    /// <summary>
    /// Augments <paramref name="images"/>; consumes 2N integers and N uniforms from <paramref name="generator"/>.
    /// </summary>
    public static Tensor Apply(Tensor images, int padding, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (images.dim() != 4)
            throw new ArgumentException(
                $"Expected images of shape (N, C, H, W), got [{string.Join(", ", images.shape)}].", nameof(images));
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        if (padding >= h || padding >= w)
            throw new ArgumentOutOfRangeException(nameof(padding), padding,
                $"Reflect padding must be smaller than the image side ({h}x{w}).");

        using var scope = NewDisposeScope();
        var offsets = randint(0, 2 * padding + 1, [n, 2], dtype: ScalarType.Int64, generator: generator)
            .to(images.device);
        var flip = (rand([n], generator: generator) < 0.5).to(images.device);
        var padded = padding == 0
            ? images.alias()
            : F.pad(images, [padding, padding, padding, padding], PaddingModes.Reflect);

        var rowIndex = offsets[.., 0].view(n, 1, 1, 1)
            + arange(h, dtype: ScalarType.Int64, device: images.device).view(1, 1, h, 1);
        var rows = padded.gather(2, rowIndex.expand(n, c, h, w + 2 * padding));

        var forward = arange(w, dtype: ScalarType.Int64, device: images.device).view(1, 1, 1, w);
        var columns = where(flip.view(n, 1, 1, 1), (w - 1) - forward, forward) + offsets[.., 1].view(n, 1, 1, 1);
        return rows.gather(3, columns.expand(n, c, h, w)).MoveToOuterDisposeScope();
    }
}
