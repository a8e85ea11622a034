using static TorchSharp.torch;

namespace AavaeMlNet.Augmentations;

/// <summary>
/// Batched random erasing (Zhong et al., 2020; torchvision's <c>RandomErasing</c>): each sample, with probability p,
/// has one rectangle of its normalized view set to a value, the data set's mean (0 after normalization) by default.
/// The rectangle's area is a fraction of the image drawn uniformly from <c>scale</c>, its aspect ratio (height over
/// width) log-uniformly from <c>ratio</c>; a rectangle that would not fit is clipped to the image instead of redrawn,
/// so every sample takes a fixed number of draws. The decoder still reconstructs the whole original, so the encoder
/// must fill the hole from what it sees. Shape: (N, C, H, W) -> (N, C, H, W).
/// </summary>
public static class RandomErasing
{
    private const int DrawsPerSample = 5;

    /// <summary>One erased rectangle in pixels.</summary>
    public readonly record struct EraseBox(int Top, int Left, int Height, int Width);

    /// <summary>
    /// One rectangle or none per sample. Consumes exactly N * 5 uniforms from <paramref name="generator"/> (apply,
    /// area, ratio, top, left).
    /// </summary>
    public static EraseBox?[] Draw(long samples, int height, int width, (double Min, double Max) scale,
        (double Min, double Max) ratio, double probability, Generator? generator)
    {
        var u = RandomDraws.Uniform(samples * DrawsPerSample, generator);
        var boxes = new EraseBox?[samples];
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (long i = 0; i < samples; i++)
        {
            int o = (int)(i * DrawsPerSample);
            if (u[o] >= probability) continue;
            double area = (double)height * width * (scale.Min + (scale.Max - scale.Min) * u[o + 1]);
            double aspect = Math.Exp(logMin + (logMax - logMin) * u[o + 2]);
            int h = Math.Clamp((int)Math.Round(Math.Sqrt(area * aspect)), 1, height);
            int w = Math.Clamp((int)Math.Round(Math.Sqrt(area / aspect)), 1, width);
            int top = Math.Min((int)(u[o + 3] * (height - h + 1)), height - h);
            int left = Math.Min((int)(u[o + 4] * (width - w + 1)), width - w);
            boxes[i] = new EraseBox(top, left, h, w);
        }
        return boxes;
    }

    /// <summary>The images with each sample's rectangle, over every channel, set to <paramref name="value"/>.</summary>
    public static Tensor Apply(Tensor images, IReadOnlyList<EraseBox?> boxes, double value = 0)
    {
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        if (boxes.Count != n)
            throw new ArgumentException($"Expected one box per sample ({n}), got {boxes.Count}.", nameof(boxes));
        if (boxes.All(b => b is null)) return images.alias();
        var mask = new bool[n * h * w];
        for (int i = 0; i < n; i++)
        {
            if (boxes[i] is not { } box) continue;
            for (int y = box.Top; y < box.Top + box.Height; y++)
                Array.Fill(mask, true, (int)((i * h + y) * w + box.Left), box.Width);
        }
        using var scope = NewDisposeScope();
        var erased = tensor(mask, device: images.device).view(n, 1, h, w);
        return images.masked_fill(erased, value).MoveToOuterDisposeScope();
    }
}
