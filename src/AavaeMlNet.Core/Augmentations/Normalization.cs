using static TorchSharp.torch;

namespace AavaeMlNet.Augmentations;

/// <summary>
/// Per-channel normalization constants, the one place that knows them. Images enter the model as (x - mean) / std;
/// the likelihood scores reconstructions in this normalized space (paper Sec. 3).
/// </summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>CIFAR-10 training-set statistics (reference implementation).</summary>
    public static Normalization Cifar10 { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    /// <summary>STL-10 statistics (reference implementation).</summary>
    public static Normalization Stl10 { get; } = new([0.43f, 0.42f, 0.39f], [0.27f, 0.26f, 0.27f]);

    /// <summary>Fashion-MNIST training-set statistics (one channel).</summary>
    public static Normalization FashionMnist { get; } = new([0.2860f], [0.3530f]);

    /// <summary>ImageNet statistics.</summary>
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Identity: mean 0, std 1 for every channel.</summary>
    public static Normalization Identity(int channels) =>
        new(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());

    /// <summary>Number of channels the constants are for.</summary>
    public int Channels => Mean.Length;

    /// <summary>(x - mean) / std per channel. Shape: (N, C, H, W) with values in [0, 1] -> same shape.</summary>
    public Tensor Apply(Tensor images)
    {
        CheckChannels(images);
        using var scope = NewDisposeScope();
        var mean = tensor(Mean, dtype: images.dtype, device: images.device).view(1, -1, 1, 1);
        var std = tensor(Std, dtype: images.dtype, device: images.device).view(1, -1, 1, 1);
        return ((images - mean) / std).MoveToOuterDisposeScope();
    }

    /// <summary>x * std + mean per channel: the inverse of <see cref="Apply"/>, for showing reconstructions.</summary>
    public Tensor Invert(Tensor normalized)
    {
        CheckChannels(normalized);
        using var scope = NewDisposeScope();
        var mean = tensor(Mean, dtype: normalized.dtype, device: normalized.device).view(1, -1, 1, 1);
        var std = tensor(Std, dtype: normalized.dtype, device: normalized.device).view(1, -1, 1, 1);
        return (normalized * std + mean).MoveToOuterDisposeScope();
    }

    private void CheckChannels(Tensor images)
    {
        if (Mean.Length != Std.Length)
            throw new InvalidOperationException(
                $"Normalization has {Mean.Length} means but {Std.Length} standard deviations.");
        if (images.dim() != 4 || images.shape[1] != Mean.Length)
            throw new ArgumentException(
                $"Normalization for {Mean.Length} channel(s) expects images of shape (N, {Mean.Length}, H, W), " +
                $"got ({string.Join(", ", images.shape)}).",
                nameof(images));
    }
}
