using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// ResNet bottleneck block (1x1 reduce, 3x3 with the stride, 1x1 expand by 4; BatchNorm after each), as in ResNet-50.
/// Shape: (N, inPlanes, H, W) -> (N, 4 * planes, H / stride, W / stride).
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;
    private readonly ComputeFormat compute;

    public Bottleneck(int inPlanes, int planes, int stride, ComputeFormat compute) : base(nameof(Bottleneck))
    {
        this.compute = compute;
        conv1 = Conv2d(inPlanes, planes, 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        conv3 = Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = BatchNorm2d(planes * Expansion);
        if (stride != 1 || inPlanes != planes * Expansion)
            downsample = Sequential(
                Conv2d(inPlanes, planes * Expansion, 1, stride: stride, bias: false),
                BatchNorm2d(planes * Expansion));
        RegisterComponents();
    }

    /// <summary>The conv/BN pairs of the main path in order, for BN-folding exporters.</summary>
    public (Conv2d Conv, BatchNorm2d Norm)[] ConvNormPairs => [(conv1, bn1), (conv2, bn2), (conv3, bn3)];

    /// <summary>The projection shortcut (1x1 conv + BN) or null for an identity shortcut.</summary>
    public Sequential? Downsample => downsample;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = functional.relu(bn1.forward(compute.Conv(conv1, input)));
        output = functional.relu(bn2.forward(compute.Conv(conv2, output)));
        output = bn3.forward(compute.Conv(conv3, output));
        var shortcut = downsample is null ? input : compute.ConvNorm(downsample, input);
        return functional.relu(output.Plus(shortcut)).MoveToOuterDisposeScope();
    }
}
