namespace AavaeMlNet.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fully specified 64-bit generator. Written out here so that
/// everything seeded from it (manifest splits, epoch orders, the streaming shuffle pool) is the same on every machine
/// and .NET version (System.Random's sequence carries no such guarantee).
/// </summary>
public sealed class SplitMix64
{
    private ulong state;

    /// <summary>Starts the generator at <paramref name="seed"/> (the state before the first step).</summary>
    public SplitMix64(ulong seed) => state = seed;

    /// <summary>Next 64-bit output: state += 0x9E3779B97F4A7C15, then three xor-shift-multiply mixing steps.</summary>
    public ulong Next()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Uniform integer in [0, <paramref name="bound"/>) by rejection: outputs below
    /// (2^64 - bound) mod bound are drawn again, then the result is the output mod bound.
    /// </summary>
    public ulong NextBelow(ulong bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = Next();
            if (r >= threshold)
            {
                return r % bound;
            }
        }
    }
}
