using static TorchSharp.torch;

namespace AavaeMlNet.Augmentations;

/// <summary>
/// Batched colour jitter: each sample, with probability p, gets its own brightness, contrast, saturation and hue
/// factors AND its own random order of the four operations (as torchvision's ColorJitter, which SimCLR uses, draws
/// a fresh order per call). With strength s the factors lie in [1 - 0.8s, 1 + 0.8s] and the hue shift in
/// [-0.2s, 0.2s]. Samples that are not jittered are returned unchanged. Shape: (N, C, H, W) -> (N, C, H, W).
/// </summary>
public static class ColorJitter
{
    private const int Operations = 4;

    /// <summary>
    /// Consumes exactly N * 9 uniforms from <paramref name="generator"/> (apply, four factors, four order keys).
    /// </summary>
    public static Tensor Apply(Tensor images, double probability, double strength, bool chroma, Generator? generator)
    {
        long n = images.shape[0];
        var u = RandomDraws.Uniform(n * 9, generator);
        if (probability <= 0 || strength <= 0) return images.alias();

        var apply = new bool[n];
        var factors = new float[Operations][];
        for (int k = 0; k < Operations; k++) factors[k] = new float[n];
        var order = new int[n][];
        double spread = 0.8 * strength, hueSpread = 0.2 * strength;
        bool rgb = images.shape[1] == 3 && chroma;
        for (long i = 0; i < n; i++)
        {
            int o = (int)(i * 9);
            apply[i] = u[o] < probability;
            factors[0][i] = (float)(1 - spread + 2 * spread * u[o + 1]);
            factors[1][i] = (float)(1 - spread + 2 * spread * u[o + 2]);
            factors[2][i] = (float)(1 - spread + 2 * spread * u[o + 3]);
            factors[3][i] = (float)(-hueSpread + 2 * hueSpread * u[o + 4]);
            var keys = new[] { u[o + 5], u[o + 6], u[o + 7], u[o + 8] };
            order[i] = Enumerable.Range(0, Operations).OrderBy(k => keys[k]).ToArray();
        }

        using var scope = NewDisposeScope();
        var device = images.device;
        var factorTensors = factors
            .Select(f => tensor(f, dtype: images.dtype, device: device).view(-1, 1, 1, 1))
            .ToArray();
        var x = images;
        // Round r applies, to each sample, the operation that sits at position r of that sample's order.
        for (int round = 0; round < Operations; round++)
        {
            for (int op = 0; op < Operations; op++)
            {
                if (!rgb && op >= 2) continue;
                var selected = order.Select(o => o[round] == op).ToArray();
                if (!selected.Any(s => s)) continue;
                var mask = tensor(selected, device: device).view(-1, 1, 1, 1);
                var adjusted = op switch
                {
                    0 => ColorOps.AdjustBrightness(x, factorTensors[0]),
                    1 => ColorOps.AdjustContrast(x, factorTensors[1]),
                    2 => ColorOps.AdjustSaturation(x, factorTensors[2]),
                    _ => ColorOps.AdjustHue(x, factorTensors[3]),
                };
                x = where(mask, adjusted, x);
            }
        }
        var applyMask = tensor(apply, device: device).view(-1, 1, 1, 1);
        return where(applyMask, x, images).MoveToOuterDisposeScope();
    }
}
