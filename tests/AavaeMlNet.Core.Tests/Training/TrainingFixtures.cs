using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>Tiny models and synthetic images that train in well under a second per epoch.</summary>
internal static class TrainingFixtures
{
    public static AavaeConfig TinyConfig(Variant variant = Variant.Aavae) => new()
    {
        Channels = 1, Height = 16, Width = 16, Depth = Depth.ResNet18, Stem = Stem.Cifar,
        WidthMultiplier = 0.125, LatentDim = 8, Variant = variant,
    };

    public static AugmentationOptions Augmentation =>
        AugmentationOptions.Grayscale with { Normalization = new([0.5f], [0.25f]) };

    /// <summary>
    /// Images of bright squares at random places on a dark background: easy to reconstruct, not trivial.
    /// </summary>
    public static Tensor Squares(int count, int seed = 0)
    {
        var random = new Random(seed);
        var pixels = new float[count * 16 * 16];
        for (int i = 0; i < count; i++)
        {
            int side = random.Next(4, 9), top = random.Next(0, 16 - side), left = random.Next(0, 16 - side);
            for (int y = top; y < top + side; y++)
                for (int x = left; x < left + side; x++)
                    pixels[i * 256 + y * 16 + x] = 0.9f;
        }
        return tensor(pixels).view(count, 1, 16, 16);
    }

    public static TrainingOptions Options(string? checkpoints, int epochs = 2) => new()
    {
        Epochs = epochs, BatchSize = 8, LearningRate = 2e-3, WarmupEpochs = 0.5, Seed = 5,
        Device = DeviceKind.Cpu, CheckpointDirectory = checkpoints, LogEverySteps = 2,
    };

    public static string TempDirectory() => TestDirectory.New("core");

    public static Dictionary<string, float[]> Weights(AavaeModel model) =>
        model.state_dict().ToDictionary(
            p => p.Key, p => p.Value.to(CPU).to_type(ScalarType.Float32).data<float>().ToArray());

    /// <summary>
    /// Trains two epochs straight, and one epoch then a resume to two, with the given options (checkpoint directory,
    /// epochs); asserts that both end bit-equal. <paramref name="inspect"/> sees the mid-run checkpoint's header and
    /// the resumed trainer before it continues.
    /// </summary>
    public static void AssertResumeIsExact(IImageBatchSource data, Func<string, int, TrainingOptions> options,
        CpuBf16Features? cpu = null, Action<CheckpointHeader, AavaeTrainer>? inspect = null)
    {
        var features = cpu ?? CpuBf16Features.Current;
        using var straight = new AavaeTrainer(TinyConfig(), Augmentation, options(TempDirectory(), 2), features);
        straight.Fit(data);
        string splitDir = TempDirectory();
        using (var first = new AavaeTrainer(TinyConfig(), Augmentation, options(splitDir, 1), features))
        {
            first.Fit(data);
        }
        string checkpoint = Path.Combine(splitDir, Checkpoint.LatestFileName);
        using var resumed = AavaeTrainer.Resume(checkpoint, 2, null, features);
        inspect?.Invoke(Checkpoint.ReadHeader(checkpoint), resumed);
        resumed.Fit(data);
        Assert.Equal(straight.Step, resumed.Step);
        AssertSameWeights(straight.Model, resumed.Model);
    }

    /// <summary>Every weight and buffer of the two models is bit-equal.</summary>
    public static void AssertSameWeights(AavaeModel expected, AavaeModel actual)
    {
        var want = Weights(expected);
        var got = Weights(actual);
        Assert.Equal(want.Keys, got.Keys);
        foreach (var name in want.Keys) Assert.Equal(want[name], got[name]);
    }
}

/// <summary>
/// Wraps a source and cancels a token after a given number of batches, as a user pressing Ctrl-C would.
/// </summary>
internal sealed class CancellingSource(
    IImageBatchSource inner, int cancelAfterBatches, CancellationTokenSource cancellation) : IImageBatchSource
{
    private int served;
    public long Count => inner.Count;
    public (int Channels, int Height, int Width) ImageShape => inner.ImageShape;

    public IEnumerable<Tensor> Batches(int epoch, int batchSize, long seed, int skipBatches,
        CancellationToken cancellationToken)
    {
        foreach (var batch in inner.Batches(epoch, batchSize, seed, skipBatches, cancellationToken))
        {
            if (++served > cancelAfterBatches) cancellation.Cancel();
            yield return batch;
        }
    }
}

/// <summary>Wraps a source and poisons every batch of one epoch with NaN.</summary>
internal sealed class PoisonedSource(IImageBatchSource inner, int poisonedEpoch) : IImageBatchSource
{
    public long Count => inner.Count;
    public (int Channels, int Height, int Width) ImageShape => inner.ImageShape;

    public IEnumerable<Tensor> Batches(int epoch, int batchSize, long seed, int skipBatches,
        CancellationToken cancellationToken)
    {
        foreach (var batch in inner.Batches(epoch, batchSize, seed, skipBatches, cancellationToken))
        {
            if (epoch == poisonedEpoch) batch[0, 0, 0, 0] = float.NaN;
            yield return batch;
        }
    }
}
