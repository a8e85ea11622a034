using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// Residual block of the inverted-ResNet decoder: no BatchNorm (biases on), and upsampling by nearest-neighbour
/// interpolation followed by a 3x3 conv ("resize-conv", not transposed convs). The basic form mirrors the
/// encoder's basic block; the bottleneck form (1x1, resize + 3x3, 1x1 to 4x planes) mirrors ResNet-50.
/// Shape: (N, inPlanes, h, w) -> (N, outPlanes, targetH, targetW).
/// </summary>
public sealed class DecoderBlock : Module<Tensor, long[], Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d? conv3;
    private readonly Conv2d? shortcut;
    private readonly ComputeFormat compute;

    public DecoderBlock(int inPlanes, int planes, bool bottleneck, ComputeFormat compute) : base(nameof(DecoderBlock))
    {
        this.compute = compute;
        if (bottleneck)
        {
            conv1 = Conv2d(inPlanes, planes, 1);
            conv2 = Conv2d(planes, planes, 3, padding: 1);
            conv3 = Conv2d(planes, planes * Bottleneck.Expansion, 1);
            OutPlanes = planes * Bottleneck.Expansion;
        }
        else
        {
            conv1 = Conv2d(inPlanes, inPlanes, 3, padding: 1);
            conv2 = Conv2d(inPlanes, planes, 3, padding: 1);
            OutPlanes = planes;
        }
        if (inPlanes != OutPlanes) shortcut = Conv2d(inPlanes, OutPlanes, 1);
        RegisterComponents();
    }

    /// <summary>Channels of the block's output.</summary>
    public int OutPlanes { get; }

    /// <param name="input">(N, inPlanes, h, w).</param>
    /// <param name="size">Output spatial size {H, W}; equal to the input's for a block that does not upsample.</param>
    public override Tensor forward(Tensor input, long[] size)
    {
        using var scope = NewDisposeScope();
        bool resize = input.shape[2] != size[0] || input.shape[3] != size[1];
        Tensor Upsample(Tensor t) => resize ? functional.interpolate(t, size, mode: InterpolationMode.Nearest) : t;

        var output = functional.relu(compute.Conv(conv1, input));
        output = compute.Conv(conv2, Upsample(output));
        if (conv3 is not null) output = compute.Conv(conv3, functional.relu(output));
        var identity = Upsample(input);
        if (shortcut is not null) identity = compute.Conv(shortcut, identity);
        return functional.relu(output.Plus(identity)).MoveToOuterDisposeScope();
    }
}
