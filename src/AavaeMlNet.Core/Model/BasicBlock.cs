using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// ResNet basic block (two 3x3 convs with BatchNorm, identity or 1x1-projection shortcut), as in ResNet-18/34.
/// Shape: (N, inPlanes, H, W) -> (N, planes, H / stride, W / stride).
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;
    private readonly ComputeFormat compute;

    public BasicBlock(int inPlanes, int planes, int stride, ComputeFormat compute) : base(nameof(BasicBlock))
    {
        this.compute = compute;
        conv1 = Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(Conv2d(inPlanes, planes, 1, stride: stride, bias: false), BatchNorm2d(planes));
        RegisterComponents();
    }

    /// <summary>The BatchNorm layers in order, for BN-folding exporters.</summary>
    public (Conv2d Conv, BatchNorm2d Norm)[] ConvNormPairs => [(conv1, bn1), (conv2, bn2)];

    /// <summary>The projection shortcut (1x1 conv + BN) or null for an identity shortcut.</summary>
    public Sequential? Downsample => downsample;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = functional.relu(bn1.forward(compute.Conv(conv1, input)));
        output = bn2.forward(compute.Conv(conv2, output));
        var shortcut = downsample is null ? input : compute.ConvNorm(downsample, input);
        return functional.relu(output.Plus(shortcut)).MoveToOuterDisposeScope();
    }
}
