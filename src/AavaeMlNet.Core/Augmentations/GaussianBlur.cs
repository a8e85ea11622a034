using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AavaeMlNet.Augmentations;

/// <summary>
/// Batched Gaussian blur: each sample, with probability p, is blurred with its own sigma drawn uniformly from a
/// range, using a separable odd kernel whose size is a fraction of the image side (SimCLR: 10%) and reflect
/// padding. Shape: (N, C, H, W) -> (N, C, H, W).
/// </summary>
public static class GaussianBlur
{
    /// <summary>
    /// The odd kernel size for an image side: floor(fraction * side), made odd, at least 3 (SimCLR: 9 for 96).
    /// </summary>
    public static int KernelSize(long side, double fraction)
    {
        int size = (int)Math.Floor(fraction * side);
        if (size % 2 == 0) size += 1;
        return Math.Max(3, size);
    }

    /// <summary>Normalized 1-D Gaussian weights exp(-d^2 / (2 sigma^2)) for offsets d = -(k/2)..k/2.</summary>
    public static float[] Kernel(int size, double sigma)
    {
        var weights = new double[size];
        int half = size / 2;
        for (int i = 0; i < size; i++) weights[i] = Math.Exp(-(double)(i - half) * (i - half) / (2 * sigma * sigma));
        double total = weights.Sum();
        return weights.Select(w => (float)(w / total)).ToArray();
    }

    /// <summary>Consumes exactly N * 2 uniforms from <paramref name="generator"/> (apply, sigma).</summary>
    public static Tensor Apply(Tensor images, double probability, (double Min, double Max) sigma, double kernelFraction,
        Generator? generator)
    {
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        var u = RandomDraws.Uniform(n * 2, generator);
        var apply = Enumerable.Range(0, (int)n).Select(i => u[2 * i] < probability).ToArray();
        if (!apply.Any(a => a)) return images.alias();

        int size = KernelSize(Math.Min(h, w), kernelFraction);
        int half = size / 2;
        if (half >= h || half >= w) return images.alias(); // reflect padding needs a kernel smaller than the image
        var weights = new float[n * c * size];
        for (long i = 0; i < n; i++)
        {
            var kernel = Kernel(size, sigma.Min + (sigma.Max - sigma.Min) * u[2 * i + 1]);
            for (long ch = 0; ch < c; ch++) Array.Copy(kernel, 0, weights, (i * c + ch) * size, size);
        }

        using var scope = NewDisposeScope();
        var device = images.device;
        var kernels = tensor(weights, dtype: images.dtype, device: device);
        var planes = images.reshape(1, n * c, h, w);
        planes = F.pad(planes, [half, half, half, half], TorchSharp.PaddingModes.Reflect);
        planes = F.conv2d(planes, kernels.view(n * c, 1, size, 1), groups: n * c);
        planes = F.conv2d(planes, kernels.view(n * c, 1, 1, size), groups: n * c);
        var blurred = planes.view(n, c, h, w);
        var mask = tensor(apply, device: device).view(-1, 1, 1, 1);
        return where(mask, blurred, images).MoveToOuterDisposeScope();
    }
}
