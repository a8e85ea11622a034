using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Model;

public class ArchitectureTests
{
    public static TheoryData<Stem, Depth, int, int> StemsAndDepths()
    {
        var data = new TheoryData<Stem, Depth, int, int>();
        foreach (var depth in new[] { Depth.ResNet18, Depth.ResNet34, Depth.ResNet50 })
        {
            data.Add(Stem.Cifar, depth, 3, 32);
            data.Add(Stem.Stl, depth, 3, 96);
            data.Add(Stem.ImageNet, depth, 3, 64);
            data.Add(Stem.Small, depth, 1, 28);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(StemsAndDepths))]
    public void Encoder_gives_pooled_features_of_size_h_through_every_stem_and_depth(
        Stem stem, Depth depth, int channels, int side)
    {
        var config = new AavaeConfig
        {
            Channels = channels,
            Height = side,
            Width = side,
            Stem = stem,
            Depth = depth,
            WidthMultiplier = 0.125,
        };
        using var encoder = new ResNetEncoder(config);
        using var images = randn(2, channels, side, side);
        using var features = encoder.forward(images);
        int expected = depth == Depth.ResNet50 ? 8 * 8 * 4 : 8 * 8;
        Assert.Equal(expected, config.FeatureDim);
        Assert.Equal(new long[] { 2, expected }, features.shape);
    }

    [Theory]
    [InlineData(1, 28, 28, Depth.ResNet18)]
    [InlineData(3, 32, 32, Depth.ResNet18)]
    [InlineData(3, 96, 96, Depth.ResNet18)]
    [InlineData(3, 30, 20, Depth.ResNet18)]
    [InlineData(3, 32, 32, Depth.ResNet50)]
    public void Decoder_output_has_exactly_the_input_size(int channels, int height, int width, Depth depth)
    {
        var config = new AavaeConfig
        {
            Channels = channels,
            Height = height,
            Width = width,
            Depth = depth,
            WidthMultiplier = 0.125,
            LatentDim = 16,
        };
        using var decoder = new ResNetDecoder(config);
        using var z = randn(2, 16);
        using var output = decoder.forward(z);
        Assert.Equal(new long[] { 2, channels, height, width }, output.shape);
    }

    [Fact]
    public void A_one_block_decoder_drops_exactly_the_second_block_of_each_stage()
    {
        var mirror = new AavaeConfig
        {
            Channels = 1, Height = 28, Width = 28, Depth = Depth.ResNet18, WidthMultiplier = 0.25, LatentDim = 16,
        };
        var light = mirror with { DecoderBlocks = 1 };
        using var full = new ResNetDecoder(mirror);
        using var decoder = new ResNetDecoder(light);
        using var z = randn(2, 16);
        using var output = decoder.forward(z);
        Assert.Equal(new long[] { 2, 1, 28, 28 }, output.shape);
        // The second block of a stage keeps its planes p (64, 32, 16, 16 at base width 16): two 3x3 convs p -> p with
        // biases, 2 (9 p^2 + p) parameters each, and no shortcut.
        long dropped = new long[] { 64, 32, 16, 16 }.Sum(p => 2 * (9 * p * p + p));
        Assert.Equal(101_632, dropped);
        Assert.Equal(dropped, Parameters(full) - Parameters(decoder));
        Assert.Equal(new[] { 1, 1, 1, 1 }, BlocksPerStage(decoder));
        Assert.Equal(new[] { 2, 2, 2, 2 }, BlocksPerStage(full));
        Assert.Equal(("", ", decoder 1 block per stage"), (mirror.DescribeDecoder(), light.DescribeDecoder()));
    }

    [Fact]
    public void A_decoder_block_count_replaces_the_mirrored_depths_of_a_bottleneck_encoder()
    {
        var config = new AavaeConfig { Depth = Depth.ResNet50, WidthMultiplier = 0.125, LatentDim = 16 };
        using var mirrored = new ResNetDecoder(config);
        using var decoder = new ResNetDecoder(config with { DecoderBlocks = 2 });
        Assert.Equal(new[] { 3, 6, 4, 3 }, BlocksPerStage(mirrored));
        Assert.Equal(new[] { 2, 2, 2, 2 }, BlocksPerStage(decoder));
        using var output = decoder.forward(randn(2, 16));
        Assert.Equal(new long[] { 2, 3, 32, 32 }, output.shape);
    }

    private static long Parameters(TorchSharp.torch.nn.Module module) =>
        module.parameters().Sum(p => p.numel());

    // Blocks per decoder stage, from the parameter names ("layer2.1.conv1.weight": stage 2, block 1).
    private static int[] BlocksPerStage(ResNetDecoder decoder) =>
    [
        .. Enumerable.Range(1, 4).Select(stage => decoder.named_parameters()
            .Select(p => p.name.Split('.'))
            .Where(parts => parts[0] == $"layer{stage}")
            .Select(parts => parts[1]).Distinct().Count()),
    ];

    [Fact]
    public void Decoder_has_no_batch_norm_and_encoder_does()
    {
        var config = new AavaeConfig { WidthMultiplier = 0.125 };
        using var model = new AavaeModel(config);
        var names = model.named_modules().Select(m => (m.name, type: m.module.GetType().Name)).ToList();
        Assert.DoesNotContain(names, m => m.name.StartsWith("decoder") && m.type.StartsWith("BatchNorm"));
        Assert.Contains(names, m => m.name.StartsWith("encoder") && m.type == "BatchNorm2d");
    }

    [Fact]
    public void Projection_head_gives_mu_and_log_variance_of_latent_size()
    {
        var config = new AavaeConfig { WidthMultiplier = 0.125, LatentDim = 24 };
        using var model = new AavaeModel(config);
        using var images = randn(3, 3, 32, 32);
        var (mu, logVar) = model.Encode(images);
        Assert.Equal(new long[] { 3, 24 }, mu.shape);
        Assert.Equal(new long[] { 3, 24 }, logVar.shape);
        mu.Dispose();
        logVar.Dispose();
    }

    [Theory]
    [InlineData(Depth.ResNet18, 256)]
    [InlineData(Depth.ResNet50, 48)]
    public void Feature_expansion_sets_h_and_the_decoder_reconstructs_from_it(Depth depth, int expand)
    {
        var config = new AavaeConfig
        {
            Channels = 1, Height = 28, Width = 28, Depth = depth, WidthMultiplier = 0.125, LatentDim = 16,
            ExpandFeatures = expand,
        };
        using var model = new AavaeModel(config);
        using var images = randn(3, 1, 28, 28);
        using var features = model.forward(images);
        Assert.Equal(expand, config.FeatureDim);
        Assert.Equal(new long[] { 3, expand }, features.shape);
        // Pooled after a ReLU: every feature is a mean of non-negative values.
        Assert.True(features.min().item<float>() >= 0);
        using var decoder = model.Decoder.forward(randn(3, 16));
        Assert.Equal(new long[] { 3, 1, 28, 28 }, decoder.shape);
        var expansion = model.Encoder.Expansion!.Value;
        Assert.Equal(new long[] { expand, config.LastStageChannels, 1, 1 }, expansion.Conv.weight!.shape);
        Assert.Null(expansion.Conv.bias);
        Assert.Equal(new long[] { config.FeatureDim, config.FeatureDim }, model.Projection.Fc.weight!.shape);
    }

    [Theory]
    [InlineData(Stem.Small, Depth.ResNet18, 1, 28, 28)]
    [InlineData(Stem.Cifar, Depth.ResNet18, 3, 32, 32)]
    [InlineData(Stem.Stl, Depth.ResNet18, 3, 96, 96)]
    [InlineData(Stem.ImageNet, Depth.ResNet50, 3, 64, 64)]
    [InlineData(Stem.Stl, Depth.ResNet18, 3, 45, 30)]
    [InlineData(Stem.ImageNet, Depth.ResNet18, 3, 33, 47)]
    public void Map_sizes_are_those_the_stages_produce(Stem stem, Depth depth, int channels, int height, int width)
    {
        var config = new AavaeConfig
        {
            Channels = channels, Height = height, Width = width, Stem = stem, Depth = depth, WidthMultiplier = 0.125,
        };
        using var encoder = new ResNetEncoder(config);
        var seen = StageOutputs(encoder, randn(1, channels, height, width));
        for (int stage = 1; stage <= 4; stage++)
        {
            var (h, w) = encoder.MapSize(stage, height, width);
            Assert.Equal(seen[stage - 1].shape[2..], new long[] { h, w });
        }
    }

    // The four stages' outputs, run layer by layer through the encoder's parts (fp32, as built).
    private static List<Tensor> StageOutputs(ResNetEncoder encoder, Tensor images)
    {
        using var noGrad = no_grad();
        var (conv, norm) = encoder.StemLayers;
        var x = nn.functional.relu(norm.forward(conv.forward(images)));
        if (encoder.StemPool is { } pool) x = pool.forward(x);
        var outputs = new List<Tensor>();
        foreach (var stage in encoder.Stages) outputs.Add(x = stage.forward(x));
        return outputs;
    }

    [Fact]
    public void The_embedding_grid_averages_the_last_two_stages_over_overlapping_regions()
    {
        // Fashion-MNIST's shape: the third and last stages are 7x7, so a 2x2 grid takes rows and columns 0..3 and
        // 3..6 (PyTorch's adaptive pooling: floor(i * 7 / 2) .. ceil((i + 1) * 7 / 2)), the middle ones in both.
        var config = new AavaeConfig
        {
            Channels = 1, Height = 28, Width = 28, Depth = Depth.ResNet18, Stem = Stem.Small, WidthMultiplier = 0.125,
            ExpandFeatures = 32, EmbeddingGrid = 2, LatentDim = 16,
        };
        Assert.Equal(32 + 4 * 32 + 4 * 64, config.EmbeddingDim);
        using var model = new AavaeModel(config);
        model.eval();
        using var noGrad = no_grad();
        using var images = randn(3, 1, 28, 28);
        using var embedding = model.forward(images);
        using var pooled = model.Encoder.forward(images);
        var stages = StageOutputs(model.Encoder, images);
        var (third, fourth) = (stages[2], stages[3]);
        Assert.Equal(new long[] { 3, config.EmbeddingDim }, embedding.shape);
        Assert.True(embedding[.., ..32].eq(pooled).all().item<bool>(), "the embedding starts with the pooled h");

        (int From, int To)[] regions = [(0, 4), (3, 7)];
        float[] Expected(Tensor map)
        {
            var values = new List<float>();
            for (int n = 0; n < 3; n++)
            for (int c = 0; c < map.shape[1]; c++)
            foreach (var (top, bottom) in regions)
            foreach (var (left, right) in regions)
                values.Add(map[n, c, top..bottom, left..right].mean().item<float>());
            return [.. values];
        }
        var expected = Expected(third).Chunk(4 * 32).Zip(Expected(fourth).Chunk(4 * 64))
            .SelectMany(pair => pair.First.Concat(pair.Second)).ToArray();
        var grid = embedding[.., 32..].contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, grid.Length);
        for (int i = 0; i < grid.Length; i++) Assert.Equal(expected[i], grid[i], 1e-5f);
    }

    [Fact]
    public void Without_a_grid_the_embedding_is_the_pooled_h_bit_for_bit()
    {
        var config = new AavaeConfig
        {
            Channels = 1, Height = 28, Width = 28, Depth = Depth.ResNet18, WidthMultiplier = 0.125, LatentDim = 16,
        };
        Assert.Equal((0, config.FeatureDim), (config.EmbeddingGrid, config.EmbeddingDim));
        using var model = new AavaeModel(config);
        model.eval();
        using var noGrad = no_grad();
        using var images = randn(2, 1, 28, 28);
        Assert.True(model.forward(images).eq(model.Encoder.forward(images)).all().item<bool>());
    }

    [Theory]
    [InlineData("EmbeddingGrid", -1, "EmbeddingGrid must be in 0..4")]
    [InlineData("EmbeddingGrid", 5, "EmbeddingGrid must be in 0..4")]
    [InlineData("DecoderBlocks", -1, "DecoderBlocks must be in 0..6 (0: mirror the encoder's stages)")]
    [InlineData("DecoderBlocks", 7, "DecoderBlocks must be in 0..6 (0: mirror the encoder's stages)")]
    public void A_grid_or_decoder_block_count_out_of_range_is_reported_by_name(
        string setting, int value, string expected)
    {
        var config = setting == "EmbeddingGrid" ? new AavaeConfig { EmbeddingGrid = value }
            : new AavaeConfig { DecoderBlocks = value };
        var error = Assert.Throws<ArgumentOutOfRangeException>(config.Validate);
        Assert.Equal(setting, error.ParamName);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_config_written_before_the_embedding_grid_reads_as_without_one()
    {
        var json = new AavaeConfig { EmbeddingGrid = 3 }.ToJson();
        Assert.Equal(3, AavaeConfig.FromJson(json).EmbeddingGrid);
        var older = json.Replace("\"EmbeddingGrid\":3,", "");
        Assert.DoesNotContain("EmbeddingGrid", older);
        Assert.Equal(0, AavaeConfig.FromJson(older).EmbeddingGrid);
    }

    [Fact]
    public void Without_expansion_h_is_the_last_stage_and_there_is_no_expansion_layer()
    {
        var config = new AavaeConfig { Depth = Depth.ResNet18, WidthMultiplier = 0.25 };
        using var encoder = new ResNetEncoder(config);
        Assert.Equal(128, config.LastStageChannels);
        Assert.Equal(128, config.FeatureDim);
        Assert.Null(encoder.Expansion);
        Assert.DoesNotContain(encoder.named_parameters(), p => p.name.StartsWith("expand"));
    }

    [Theory]
    [InlineData(8, "at least 16")]
    [InlineData(200, "multiple of 16")]
    public void Invalid_feature_expansion_is_reported_by_name(int expand, string expected)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new AavaeConfig { Depth = Depth.ResNet18, WidthMultiplier = 0.25, ExpandFeatures = expand }
                .Validate());
        Assert.Equal("ExpandFeatures", error.ParamName);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Invalid_width_multiplier_is_reported_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new AavaeConfig { Depth = Depth.ResNet18, WidthMultiplier = 0.11 }.Validate());
        Assert.Equal("WidthMultiplier", error.ParamName);
    }

    [Fact]
    public void Config_round_trips_through_json()
    {
        var config = new AavaeConfig
        {
            Channels = 1,
            Height = 28,
            Width = 28,
            Stem = Stem.Small,
            ExpandFeatures = 64,
            DecoderBlocks = 1,
            Variant = Variant.Vae,
            Beta = 0.5,
            LearnLogScale = true,
        };
        Assert.Equal(config, AavaeConfig.FromJson(config.ToJson()));
    }
}
