using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AavaeMlNet.Onnx;

/// <summary>Weights and bias of a layer with its BatchNorm folded in. <see cref="Shape"/> is the weight's.</summary>
internal sealed record FoldedLayer(long[] Shape, float[] Weight, float[] Bias);

/// <summary>
/// Folds an eval-mode BatchNorm into the conv or linear layer before it (BN after a bias-free conv is affine per
/// output channel): with s = gamma / sqrt(running_var + eps), w' = w * s and b' = beta + (b - running_mean) * s,
/// b = 0 for a bias-free layer. Computed in float64 so that folding adds no rounding beyond the final float32 cast.
/// </summary>
internal static class BatchNormFolding
{
    public static FoldedLayer Fold(Conv2d conv, BatchNorm norm, string name) =>
        Fold(conv.weight, conv.bias, norm, name);

    public static FoldedLayer Fold(Linear linear, BatchNorm norm, string name) =>
        Fold(linear.weight, linear.bias, norm, name);

    private static FoldedLayer Fold(Tensor weight, Tensor? bias, BatchNorm norm, string name)
    {
        if (norm.running_mean is null || norm.running_var is null)
            throw new NotSupportedException(
                $"BatchNorm '{name}' tracks no running statistics, so it cannot be folded into '{name}'.");
        long channels = weight.shape[0];
        if (norm.num_features != channels)
            throw new InvalidOperationException(
                $"BatchNorm '{name}' has {norm.num_features} features but its layer has {channels} outputs.");

        using var scope = NewDisposeScope();
        var w = Float64(weight);
        var mean = Float64(norm.running_mean);
        var scale = norm.weight is null ? ones(channels, dtype: ScalarType.Float64) : Float64(norm.weight);
        var shift = norm.bias is null ? zeros(channels, dtype: ScalarType.Float64) : Float64(norm.bias);
        var s = scale / (Float64(norm.running_var) + norm.eps).sqrt();
        var b = bias is null ? zeros(channels, dtype: ScalarType.Float64) : Float64(bias);

        var perChannel = new long[weight.dim()];
        Array.Fill(perChannel, 1L);
        perChannel[0] = -1;
        var foldedWeight = w * s.reshape(perChannel);
        var foldedBias = shift + (b - mean) * s;
        return new FoldedLayer(weight.shape, ToFloats(foldedWeight), ToFloats(foldedBias));
    }

    private static Tensor Float64(Tensor t) => t.detach().cpu().to_type(ScalarType.Float64);

    private static float[] ToFloats(Tensor t) => t.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
}
