using static TorchSharp.torch;

namespace AavaeMlNet.Augmentations;

/// <summary>Per-sample uniform draws from a seeded generator, copied to managed memory.</summary>
internal static class RandomDraws
{
    /// <summary>
    /// Uniform [0, 1) numbers, <paramref name="count"/> of them, drawn on the CPU from <paramref name="generator"/>.
    /// </summary>
    public static float[] Uniform(long count, Generator? generator)
    {
        using var draws = rand([count], dtype: ScalarType.Float32, generator: generator);
        return draws.data<float>().ToArray();
    }

    /// <summary>A per-sample boolean mask (N, 1, 1, 1) on <paramref name="device"/>: true with probability p.</summary>
    public static Tensor Mask(long samples, double probability, Generator? generator, Device device)
    {
        var draws = Uniform(samples, generator);
        var mask = draws.Select(u => u < probability).ToArray();
        return tensor(mask, device: device).view(-1, 1, 1, 1);
    }
}
