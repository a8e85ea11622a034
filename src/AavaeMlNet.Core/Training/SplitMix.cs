namespace AavaeMlNet.Training;

/// <summary>
/// The SplitMix64 generator step: small, fast and defined bit for bit, so shuffles seeded from it are the same on every
/// machine and .NET version (unlike System.Random).
/// </summary>
public static class SplitMix
{
    /// <summary>Advances <paramref name="state"/> and returns the next 64-bit output.</summary>
    public static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
