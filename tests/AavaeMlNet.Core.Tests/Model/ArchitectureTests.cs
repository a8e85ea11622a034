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
            Variant = Variant.Vae,
            Beta = 0.5,
            LearnLogScale = true,
        };
        Assert.Equal(config, AavaeConfig.FromJson(config.ToJson()));
    }
}
