using System.Diagnostics;
using AavaeMlNet.Evaluation.Embeddings;

namespace AavaeMlNet.Evaluation.Baselines;

/// <summary>
/// Features an AAVAE embedding is compared against: what a user has without pretraining (raw pixels) or already
/// gets from ML.NET (its ImageNet featurizers). Each baseline takes the same images the embedding takes, as CHW
/// pixels in [0, 1], and goes through the same probes, label budgets and kNN.
/// </summary>
public abstract class BaselineFeaturizer
{
    /// <summary>The identifiers <see cref="Create"/> knows, as the CLI's <c>--baseline</c> takes them.</summary>
    public static IReadOnlyList<string> Known { get; } = ["raw", .. ImageNetModel.All.Select(m => m.Id)];

    /// <summary>Identifier in commands and file names ("raw", "imagenet-resnet18").</summary>
    public abstract string Id { get; }

    /// <summary>Name in reports.</summary>
    public abstract string Name { get; }

    /// <summary>Bytes of the model files an application must ship to compute these features (0: none).</summary>
    public abstract long ModelBytes { get; }

    /// <summary>
    /// Everything besides the pixels that decides the features (model file, preprocessing): part of the key of
    /// <see cref="FeatureCache"/>, so that a change of either computes the features anew.
    /// </summary>
    public abstract string Fingerprint { get; }

    /// <summary>Whether computing the features costs enough to keep them in a <see cref="FeatureCache"/>.</summary>
    public abstract bool IsWorthCaching { get; }

    /// <summary>Length of the features of images of <paramref name="shape"/>.</summary>
    public abstract int Dimension((int Channels, int Height, int Width) shape);

    /// <summary>
    /// The features of <paramref name="count"/> images stored back to back in <paramref name="pixels"/> (CHW, values
    /// in [0, 1]), one row per image in order. Shape: (count, <see cref="Dimension"/>).
    /// </summary>
    public abstract EmbeddingMatrix Featurize(ReadOnlyMemory<float> pixels, int count,
        (int Channels, int Height, int Width) shape, CancellationToken cancellationToken = default);

    /// <summary>
    /// Images per second of <see cref="Featurize"/>, timed on the first <paramref name="sample"/> images after one
    /// warm-up image: measured in the run that reports it, whether or not its features came from a cache.
    /// </summary>
    public double MeasureThroughput(ReadOnlyMemory<float> pixels, int count,
        (int Channels, int Height, int Width) shape, int sample = 256, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        int size = shape.Channels * shape.Height * shape.Width;
        Featurize(pixels[..size], 1, shape, cancellationToken);
        int timed = Math.Min(sample, count);
        var clock = Stopwatch.StartNew();
        Featurize(pixels[..(timed * size)], timed, shape, cancellationToken);
        return timed / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The baseline named <paramref name="id"/> (one of <see cref="Known"/>).</summary>
    /// <exception cref="ArgumentException">The identifier is unknown.</exception>
    public static BaselineFeaturizer Create(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id == RawPixels.Instance.Id) return RawPixels.Instance;
        var model = ImageNetModel.All.FirstOrDefault(m => m.Id == id)
            ?? throw new ArgumentException(
                $"Unknown baseline '{id}'; expected one of {string.Join(", ", Known)}.", nameof(id));
        return new ImageNetFeaturizer(model);
    }
}
