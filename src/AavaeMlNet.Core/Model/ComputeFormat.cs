using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// The one place that decides how the model's convolutions and linear layers compute: in fp32 or in bf16 (mixed
/// precision, as PyTorch's autocast: the layer casts its input and a bf16 copy of its fp32 weights, and the casts
/// are differentiable, so gradients reach the fp32 weights), and whether convolutions get their weights in the
/// channels-last (NHWC) layout, which makes libtorch's oneDNN kernels run and return channels-last activations.
/// Every block of one model shares one instance; <see cref="AavaeModel"/> exposes it.
/// </summary>
public sealed class ComputeFormat
{
    private Precision precision = Precision.Float32;

    /// <summary>
    /// The resolved precision: <see cref="Precision.Float32"/> or <see cref="Precision.BFloat16Mixed"/>.
    /// </summary>
    public Precision Precision
    {
        get => precision;
        set
        {
            if (value is not (Precision.Float32 or Precision.BFloat16Mixed))
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    "A model computes in Float32 or BFloat16Mixed: resolve Auto with PrecisionSupport.Resolve first.");
            precision = value;
        }
    }

    /// <summary>Give convolutions channels-last (NHWC) weights, so that activations flow channels-last.</summary>
    public bool ChannelsLast { get; set; }

    /// <summary>
    /// Called after every convolution and linear layer with the layer, its input and its output (for profilers
    /// and FLOP counters); null by default.
    /// </summary>
    public Action<Module, Tensor, Tensor>? Observer { get; set; }

    private ScalarType ComputeType => precision == Precision.BFloat16Mixed ? ScalarType.BFloat16 : ScalarType.Float32;

    /// <summary>Runs <paramref name="conv"/> on <paramref name="input"/> in this format.</summary>
    public Tensor Conv(Conv2d conv, Tensor input)
    {
        var output = precision == Precision.Float32 && !ChannelsLast ? conv.forward(input) : CastConv(conv, input);
        Observer?.Invoke(conv, input, output);
        return output;
    }

    private Tensor CastConv(Conv2d conv, Tensor input)
    {
        using var scope = NewDisposeScope();
        var type = ComputeType;
        var weight = conv.weight.to(type);
        if (ChannelsLast) weight = weight.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var padding = conv.padding
            ?? throw new NotSupportedException("Convolutions with a padding mode are not used here.");
        var output = functional.conv2d(input.to(type), weight, conv.bias?.to(type),
            conv.stride, padding, conv.dilation, conv.groups);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs a projection shortcut, Sequential(Conv2d, BatchNorm2d), with its convolution in this format.
    /// </summary>
    public Tensor ConvNorm(Sequential shortcut, Tensor input)
    {
        var layers = shortcut.children().ToArray();
        if (layers is not [Conv2d conv, BatchNorm2d norm])
            throw new ArgumentException("Expected a Sequential(Conv2d, BatchNorm2d) shortcut.", nameof(shortcut));
        using var scope = NewDisposeScope();
        return norm.forward(Conv(conv, input)).MoveToOuterDisposeScope();
    }

    /// <summary>Runs <paramref name="linear"/> on <paramref name="input"/> in this format.</summary>
    public Tensor Linear(Linear linear, Tensor input)
    {
        var output = precision == Precision.Float32 ? linear.forward(input) : CastLinear(linear, input);
        Observer?.Invoke(linear, input, output);
        return output;
    }

    private Tensor CastLinear(Linear linear, Tensor input)
    {
        using var scope = NewDisposeScope();
        var type = ComputeType;
        var output = functional.linear(input.to(type), linear.weight.to(type), linear.bias?.to(type));
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// An activation leaving the bf16 region (features, mu, log-variance, reconstruction) as fp32, contiguous
    /// in the standard layout, so that what follows (sampling, likelihood, KL, probes) is fp32 as the caller expects.
    /// </summary>
    public static Tensor ToFloat32(Tensor activation) =>
        activation.dtype == ScalarType.Float32 && activation.is_contiguous()
            ? activation.alias()
            : activation.to(ScalarType.Float32).contiguous();
}
