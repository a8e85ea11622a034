using AavaeMlNet.MLNet;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>One row of the synthetic set: CHW pixels in [0, 1] and a class label.</summary>
public sealed class PixelRow
{
    [VectorType(256)] public float[] Image { get; set; } = [];
    public float Label { get; set; }
}

/// <summary>
/// Three visually distinct classes of 16x16 grayscale images (horizontal stripes, vertical stripes, a centred
/// square), with random phase, contrast and noise.
/// </summary>
internal static class SyntheticImages
{
    public const int Side = 16;

    public static float[] Render(int label, Random random)
    {
        var pixels = new float[Side * Side];
        int phase = random.Next(4);
        float contrast = 0.5f + 0.4f * (float)random.NextDouble();
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                bool on = label switch
                {
                    0 => (y + phase) % 4 < 2,
                    1 => (x + phase) % 4 < 2,
                    _ => Math.Abs(x - 7.5) < 3 + phase / 2.0 && Math.Abs(y - 7.5) < 3 + phase / 2.0,
                };
                float noise = 0.1f * (float)random.NextDouble();
                pixels[y * Side + x] = Math.Clamp((on ? contrast : 0.1f) + noise, 0, 1);
            }
        return pixels;
    }

    public static List<PixelRow> Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => new PixelRow { Image = Render(i % 3, random), Label = i % 3 })
            .ToList();
    }

    public static IDataView Load(MLContext ml, int count, int seed = 1) =>
        ml.Data.LoadFromEnumerable(Rows(count, seed));

    public static AavaeEstimator.Options TinyOptions(int epochs = 2) => new()
    {
        Depth = Depth.ResNet18, WidthMultiplier = 0.125, ExpandFeatures = 0, LatentDim = 16, Epochs = epochs,
        BatchSize = 32, LearningRate = 1e-3, WarmupEpochs = 0.5, CleanBatchNormImages = 0, Device = DeviceKind.Cpu,
        InferenceBatchSize = 16, CacheInMemory = true,
    };

    public static float[][] Column(IDataView view, string name) =>
        view.GetColumn<float[]>(name).ToArray();

    public static string TempDirectory() => TestDirectory.New("mlnet");

    /// <summary>Every tensor of the two models' state, bit for bit.</summary>
    public static void AssertSameWeights(AavaeModel expected, AavaeModel actual)
    {
        var want = Weights(expected);
        var got = Weights(actual);
        Assert.Equal(want.Keys, got.Keys);
        foreach (var name in want.Keys) Assert.True(want[name].SequenceEqual(got[name]), $"{name} differs");
    }

    private static Dictionary<string, double[]> Weights(AavaeModel model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.to(CPU).to_type(ScalarType.Float64).data<double>()
            .ToArray());
}
