using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// ResNet backbone with an explicit stem (paper Sec. 4) and a width multiplier. Its output is the globally
/// average-pooled feature vector h that q(z|x) reads; <see cref="Embed"/> adds the grid of
/// <see cref="AavaeConfig.EmbeddingGrid"/> for the representation that probes and users read.
/// Shape: (N, C, H, W) -> (N, h) with h = <see cref="AavaeConfig.FeatureDim"/>.
/// </summary>
public sealed class ResNetEncoder : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d? maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Conv2d? expandConv;
    private readonly BatchNorm2d? expandNorm;
    private readonly ComputeFormat compute;
    private readonly int[] stageStrides;

    /// <param name="config">The architecture.</param>
    /// <param name="compute">How convolutions compute; shared with the rest of the model. Null: fp32.</param>
    public ResNetEncoder(AavaeConfig config, ComputeFormat? compute = null) : base(nameof(ResNetEncoder))
    {
        config.Validate();
        this.compute = compute ?? new ComputeFormat();
        Stem = config.Stem;
        int width = config.BaseWidth;
        (conv1, maxpool) = config.Stem switch
        {
            Stem.Stl => (Conv2d(config.Channels, width, 7, stride: 2, padding: 3, bias: false), (MaxPool2d?)null),
            Stem.ImageNet => (
                Conv2d(config.Channels, width, 7, stride: 2, padding: 3, bias: false),
                MaxPool2d(3, stride: 2, padding: 1)),
            _ => (Conv2d(config.Channels, width, 3, stride: 1, padding: 1, bias: false), null),
        };
        bn1 = BatchNorm2d(width);

        int[] blocks = DepthLayout.Blocks(config.Depth);
        bool bottleneck = DepthLayout.UsesBottleneck(config.Depth);
        stageStrides = [1, 2, 2, config.Stem == Stem.Small ? 1 : 2];
        int inPlanes = width;
        layer1 = MakeStage(ref inPlanes, width, blocks[0], stageStrides[0], bottleneck, this.compute);
        layer2 = MakeStage(ref inPlanes, width * 2, blocks[1], stageStrides[1], bottleneck, this.compute);
        layer3 = MakeStage(ref inPlanes, width * 4, blocks[2], stageStrides[2], bottleneck, this.compute);
        layer4 = MakeStage(ref inPlanes, width * 8, blocks[3], stageStrides[3], bottleneck, this.compute);
        if (config.ExpandFeatures is { } expanded)
        {
            expandConv = Conv2d(inPlanes, expanded, 1, bias: false);
            expandNorm = BatchNorm2d(expanded);
            inPlanes = expanded;
        }
        FeatureDim = inPlanes;
        EmbeddingGrid = config.EmbeddingGrid;
        EmbeddingDim = config.EmbeddingDim;
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>The stem this encoder was built with.</summary>
    public Stem Stem { get; }

    /// <summary>Size h of the pooled output.</summary>
    public int FeatureDim { get; }

    /// <summary>Side k of the embedding's grid over the last two stages; 0: none.</summary>
    public int EmbeddingGrid { get; }

    /// <summary>Size of <see cref="Embed"/>'s output: h plus the grid's values.</summary>
    public int EmbeddingDim { get; }

    /// <summary>
    /// Height and width of the feature map after stage <paramref name="stage"/> (1..4) for an input of the given size:
    /// every strided layer here (3x3 convs with padding 1, the 7x7 stem with padding 3, the 3x3 max-pool with
    /// padding 1) maps a side S to (S - 1) / stride + 1, with the strides the layers were built with. For exporters
    /// that lay out the embedding's grid.
    /// </summary>
    public (int Height, int Width) MapSize(int stage, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stage, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stage, stageStrides.Length);
        long[] stem = [conv1.stride[0], .. maxpool is null ? Array.Empty<long>() : [maxpool.stride[0]]];
        var strides = stem.Select(s => (int)s).Concat(stageStrides.Take(stage)).ToArray();
        return (strides.Aggregate(height, (side, stride) => (side - 1) / stride + 1),
            strides.Aggregate(width, (side, stride) => (side - 1) / stride + 1));
    }

    /// <summary>The stem conv and its BatchNorm, for exporters.</summary>
    public (Conv2d Conv, BatchNorm2d Norm) StemLayers => (conv1, bn1);

    /// <summary>The stem max-pool (ImageNet stem only), for exporters.</summary>
    public MaxPool2d? StemPool => maxpool;

    /// <summary>The four residual stages in order, for exporters.</summary>
    public IReadOnlyList<Sequential> Stages => [layer1, layer2, layer3, layer4];

    /// <summary>
    /// The 1x1 conv and BatchNorm (then ReLU) between the last stage and the pooling, for exporters; null without
    /// <see cref="AavaeConfig.ExpandFeatures"/>.
    /// </summary>
    public (Conv2d Conv, BatchNorm2d Norm)? Expansion =>
        expandConv is not null && expandNorm is not null ? (expandConv, expandNorm) : null;

    /// <summary>How the convolutions compute (precision, layout).</summary>
    public ComputeFormat Compute => compute;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Pooled(Maps(input).Last).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The representation: the pooled h, then with <see cref="EmbeddingGrid"/> k the third and the last stage's
    /// features averaged over a k x k grid of regions (PyTorch's adaptive average pooling; channel-major, as
    /// flatten orders (C, k, k)). Shape: (N, C, H, W) -> (N, <see cref="EmbeddingDim"/>).
    /// </summary>
    public Tensor Embed(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (third, fourth, last) = Maps(input);
        var pooled = Pooled(last);
        if (EmbeddingGrid == 0) return pooled.MoveToOuterDisposeScope();
        return cat([pooled, Grid(third), Grid(fourth)], 1).MoveToOuterDisposeScope();
    }

    private Tensor Grid(Tensor stage) =>
        functional.adaptive_avg_pool2d(ComputeFormat.ToFloat32(stage), [EmbeddingGrid, EmbeddingGrid]).flatten(1);

    private static Tensor Pooled(Tensor last) => ComputeFormat.ToFloat32(last.mean([2L, 3L]));

    // The third and fourth stages' outputs and the last feature map (after the expansion where there is one).
    private (Tensor Third, Tensor Fourth, Tensor Last) Maps(Tensor input)
    {
        var x = functional.relu(bn1.forward(compute.Conv(conv1, input)));
        if (maxpool is not null) x = maxpool.forward(x);
        var third = layer3.forward(layer2.forward(layer1.forward(x)));
        var fourth = layer4.forward(third);
        var last = expandConv is not null && expandNorm is not null
            ? functional.relu(expandNorm.forward(compute.Conv(expandConv, fourth)))
            : fourth;
        return (third, fourth, last);
    }

    private static Sequential MakeStage(
        ref int inPlanes, int planes, int count, int stride, bool bottleneck, ComputeFormat compute)
    {
        var blocks = new List<Module<Tensor, Tensor>>();
        for (int i = 0; i < count; i++)
        {
            int blockStride = i == 0 ? stride : 1;
            if (bottleneck)
            {
                blocks.Add(new Bottleneck(inPlanes, planes, blockStride, compute));
                inPlanes = planes * Bottleneck.Expansion;
            }
            else
            {
                blocks.Add(new BasicBlock(inPlanes, planes, blockStride, compute));
                inPlanes = planes;
            }
        }
        return Sequential(blocks);
    }

    // Kaiming-normal (fan_out, ReLU) for convs, BN weight 1 / bias 0: the reference implementation's init.
    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    init.kaiming_normal_(conv.weight!, mode: init.FanInOut.FanOut,
                        nonlinearity: init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d norm:
                    init.ones_(norm.weight!);
                    init.zeros_(norm.bias!);
                    break;
            }
        }
    }
}
