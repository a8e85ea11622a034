using System.Diagnostics;
using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Bench;

/// <summary>
/// The machine's convolution roof measured here, for MFU: the forward of a 3x3 convolution 64 -> 64 channels on
/// 32x32 images, batch 64 (the shape the design notes quote), per precision, in the faster of the standard and the
/// channels-last layout, best of five trials after two of warm-up.
/// </summary>
internal static class ConvPeak
{
    public static Dictionary<Precision, double> Measure(IReadOnlyList<Precision> precisions)
    {
        const long n = 64, ch = 64, side = 32;
        double flops = 2.0 * n * ch * side * side * ch * 9;
        var peaks = new Dictionary<Precision, double>();
        using var noGrad = no_grad();
        foreach (var precision in precisions)
        {
            var type = precision == Precision.BFloat16Mixed ? ScalarType.BFloat16 : ScalarType.Float32;
            double best = double.MaxValue;
            foreach (bool channelsLast in new[] { false, true })
            {
                using var scope = NewDisposeScope();
                var input = randn(n, ch, side, side).to(type);
                var weight = (randn(ch, ch, 3, 3) * 0.05).to(type);
                if (channelsLast)
                {
                    input = input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
                    weight = weight.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
                }
                for (int trial = 0; trial < 7; trial++)
                {
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < 5; i++)
                    {
                        using var output = nn.functional.conv2d(input, weight, padding: [1]);
                    }
                    if (trial >= 2) best = Math.Min(best, clock.Elapsed.TotalSeconds / 5);
                }
            }
            peaks[precision] = flops / best / 1e9;
        }
        return peaks;
    }
}
