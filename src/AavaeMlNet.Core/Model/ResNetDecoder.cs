using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// The "inverted" ResNet decoder of the reference implementation, without BatchNorm:
/// z -> ReLU(Linear(latent, h)) -> ReLU(Linear(h, h)) -> reshape (h/16, 4, 4) -> 1x1 conv to 8 x base width -> four
/// residual stages (mirroring the encoder's depth; planes 4, 2, 1, 1 x base width, where the reference decoder's are
/// 4, 2, 1, 0.5 x: 256, 128, 64, 32 at full width) that upsample by nearest-neighbour resize-convs -> 3x3 conv to the
/// base width + ReLU -> 3x3 conv to C channels, with no output activation.
/// One stage per size, as the reference decoder: the stages reach ceil(H/f), ceil(2H/f), ceil(4H/f), ceil(8H/f)
/// (likewise for W), where f is the encoder's downsampling (8 for the CIFAR and Small stems, 16 for STL, 32 for
/// ImageNet), then the 3x3 conv runs at ceil(H/2) or H and the final conv at exactly H x W, for any H and W (28, 32,
/// 96, ...). With the CIFAR stem only the last stage and the two final convs run at full size.
/// Shape: (N, latent) -> (N, C, H, W).
/// </summary>
public sealed class ResNetDecoder : Module<Tensor, Tensor>
{
    private const int SeedSide = 4;

    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Conv2d conv1;
    private readonly ModuleList<DecoderBlock> layer1;
    private readonly ModuleList<DecoderBlock> layer2;
    private readonly ModuleList<DecoderBlock> layer3;
    private readonly ModuleList<DecoderBlock> layer4;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly int featureDim;
    private readonly long[][] stageSizes;
    private readonly long[] penultimateSize;
    private readonly long[] outputSize;
    private readonly ComputeFormat compute;

    /// <param name="config">The architecture.</param>
    /// <param name="compute">
    /// How convolutions and linear layers compute; shared with the rest of the model. Null: fp32.
    /// </param>
    public ResNetDecoder(AavaeConfig config, ComputeFormat? compute = null) : base(nameof(ResNetDecoder))
    {
        config.Validate();
        this.compute = compute ?? new ComputeFormat();
        featureDim = config.FeatureDim;
        int width = config.BaseWidth;
        bool bottleneck = DepthLayout.UsesBottleneck(config.Depth);
        int[] blocks = config.DecoderBlocks > 0 ? [.. Enumerable.Repeat(config.DecoderBlocks, 4)]
            : DepthLayout.Blocks(config.Depth);

        fc1 = Linear(config.LatentDim, featureDim);
        fc2 = Linear(featureDim, featureDim);
        int inPlanes = config.LastStageChannels;
        conv1 = Conv2d(featureDim / (SeedSide * SeedSide), inPlanes, 1);
        layer1 = MakeStage(ref inPlanes, width * 4, blocks[3], bottleneck, this.compute);
        layer2 = MakeStage(ref inPlanes, width * 2, blocks[2], bottleneck, this.compute);
        layer3 = MakeStage(ref inPlanes, width, blocks[1], bottleneck, this.compute);
        layer4 = MakeStage(ref inPlanes, width, blocks[0], bottleneck, this.compute);
        conv2 = Conv2d(inPlanes, width, 3, padding: 1);
        conv3 = Conv2d(width, config.Channels, 3, padding: 1);

        long h = config.Height, w = config.Width;
        long factor = config.Stem switch { Stem.Stl => 16, Stem.ImageNet => 32, _ => 8 };
        stageSizes =
            [.. Enumerable.Range(0, 4).Select(k => new[] { CeilDiv(h, factor >> k), CeilDiv(w, factor >> k) })];
        penultimateSize = factor > 8 ? [CeilDiv(h, 2), CeilDiv(w, 2)] : [h, w];
        outputSize = [h, w];
        RegisterComponents();
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(compute.Linear(fc2, functional.relu(compute.Linear(fc1, z))));
        x = compute.Conv(conv1, x.view(-1, featureDim / (SeedSide * SeedSide), SeedSide, SeedSide));
        x = RunStage(layer1, x, stageSizes[0]);
        x = RunStage(layer2, x, stageSizes[1]);
        x = RunStage(layer3, x, stageSizes[2]);
        x = RunStage(layer4, x, stageSizes[3]);
        x = functional.relu(compute.Conv(conv2, Resize(x, penultimateSize)));
        return ComputeFormat.ToFloat32(compute.Conv(conv3, Resize(x, outputSize))).MoveToOuterDisposeScope();
    }

    // The first block of a stage resizes; the others keep the size.
    private static Tensor RunStage(ModuleList<DecoderBlock> stage, Tensor x, long[] size)
    {
        foreach (var block in stage) x = block.forward(x, size);
        return x;
    }

    private static ModuleList<DecoderBlock> MakeStage(
        ref int inPlanes, int planes, int count, bool bottleneck, ComputeFormat compute)
    {
        var stage = new ModuleList<DecoderBlock>();
        for (int i = 0; i < count; i++)
        {
            var block = new DecoderBlock(inPlanes, planes, bottleneck, compute);
            stage.Add(block);
            inPlanes = block.OutPlanes;
        }
        return stage;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static Tensor Resize(Tensor x, long[] size) =>
        x.shape[2] == size[0] && x.shape[3] == size[1]
            ? x
            : functional.interpolate(x, size, mode: InterpolationMode.Nearest);
}
