using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.PyTorch;
using AavaeMlNet.Training;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.PyTorch;

public class ReferenceImportTests
{
    private static readonly ReferenceImportOptions SkipDecoder = new() { SkipDecoder = true };

    [Fact]
    public void Lightning_checkpoint_gives_pytorchs_features_and_mu_within_1e_5()
    {
        var import = ReferenceImporter.Import(ReferenceFixtures.R18Checkpoint, SkipDecoder);
        using var model = import.Model;
        AssertMatchesPyTorch(model, "r18");
    }

    [Fact]
    public void Plain_resnet50_state_dict_gives_pytorchs_features_and_mu_within_1e_5()
    {
        var import = ReferenceImporter.Import(ReferenceFixtures.R50StateDict, new() { ImageSize = 32 });
        using var model = import.Model;
        Assert.Equal(Depth.ResNet50, model.Config.Depth);
        Assert.Equal(Stem.Stl, model.Config.Stem);
        Assert.Equal(0, import.SkippedDecoderTensors);
        AssertMatchesPyTorch(model, "r50");
    }

    [Fact]
    public void Settings_come_from_the_checkpoints_hyperparameters()
    {
        var import = ReferenceImporter.Import(ReferenceFixtures.R18Checkpoint, SkipDecoder);
        using var model = import.Model;
        var config = model.Config;
        Assert.Equal((Depth.ResNet18, Stem.Cifar, 3, 32, 32, 16), (config.Depth, config.Stem, config.Channels,
            config.Height, config.Width, config.LatentDim));
        Assert.Equal(4, config.BaseWidth);
        Assert.Equal(Variant.Aavae, config.Variant);
        Assert.Equal(-0.25, model.Likelihood.LogScale, 6);
        Assert.Same(Normalization.Cifar10, import.Augmentation.Normalization);
        Assert.Equal((2.5e-4, 256, 10.0, LearningRateDecay.Constant), (import.Training.LearningRate,
            import.Training.BatchSize, import.Training.WarmupEpochs, import.Training.Decay));
        Assert.True(import.SkippedDecoderTensors > 0);
        Assert.Contains(import.Notes, n => n.StartsWith("decoder: not imported", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Depth.ResNet18, 1.0, "cifar", "resnet18", true, true)]
    [InlineData(Depth.ResNet34, 1.0, "stl", "resnet34", false, true)]
    [InlineData(Depth.ResNet50, 1.0, "imagenet", "resnet50", false, false)]
    [InlineData(Depth.ResNet50, 2.0, "cifar", "resnet50w2", true, true)]
    [InlineData(Depth.ResNet50, 4.0, "cifar", "resnet50w4", true, true)]
    public void Reference_arguments_name_the_encoder_and_stem_an_import_reads_back(Depth depth, double width,
        string stem, string encoder, bool conv3x3, bool noMaxPool)
    {
        var config = new AavaeConfig
        {
            Depth = depth, WidthMultiplier = width, Stem = Enum.Parse<Stem>(stem, ignoreCase: true),
            Channels = 3, Height = 96, Width = 96, LatentDim = 16,
        };
        Assert.Equal($"--encoder_name {encoder} --h_dim {config.FeatureDim} --latent_dim 16 --input_height 96 " +
                     $"--first_conv3x3 {conv3x3} --remove_first_maxpool {noMaxPool}",
            ReferenceImporter.ReferenceArguments(config));
    }

    [Fact]
    public void A_file_with_the_reference_decoder_needs_an_explicit_skip()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            ReferenceImporter.Import(ReferenceFixtures.R18Checkpoint));
        Assert.Contains("decoder.* tensors", error.Message);
        Assert.Contains("SkipDecoder = true", error.Message);
    }

    [Fact]
    public void A_wrong_stem_is_a_shape_mismatch_naming_the_key_and_both_shapes()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            ReferenceImporter.Import(ReferenceFixtures.R18Checkpoint, SkipDecoder with { Stem = Stem.Stl }));
        Assert.Contains("shape mismatch for 'encoder.conv1.weight'", error.Message);
        Assert.Contains("the file has [4, 3, 3, 3], this model [4, 3, 7, 7]", error.Message);
    }

    [Fact]
    public void A_wrong_depth_names_each_missing_key_with_its_shape()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            ReferenceImporter.Import(ReferenceFixtures.R18Checkpoint, SkipDecoder with { Depth = Depth.ResNet34 }));
        Assert.Contains("missing key 'encoder.layer1.2.conv1.weight' (here 'encoder.layer1.2.conv1.weight', " +
                        "shape [4, 4, 3, 3]; absent in the file)", error.Message);
    }

    [Fact]
    public void An_unexpected_key_is_an_error_naming_it_and_its_shape()
    {
        var import = ReferenceImporter.Import(ReferenceFixtures.R18Checkpoint, SkipDecoder);
        using var model = import.Model;
        string path = ReferenceFixtures.TempFile("extra.pt");
        using var extra = zeros(2, 5);
        var entries = model.state_dict().Where(p => !p.Key.StartsWith("decoder.", StringComparison.Ordinal))
            .Select(p => (ReferenceLayout.ToReference(p.Key)!, p.Value)).Append(("encoder.fc.weight", extra)).ToList();
        using (var file = File.Create(path)) TorchFile.SaveStateDict(file, "archive", entries);
        var error = Assert.Throws<InvalidDataException>(() => ReferenceImporter.Import(path));
        Assert.Contains("unexpected key 'encoder.fc.weight' (shape [2, 5] in the file; no tensor here)", error.Message);
    }

    [Fact]
    public void A_pickled_call_of_os_system_is_refused_without_running_it()
    {
        var error = Assert.Throws<InvalidDataException>(() => ReferenceImporter.Import(ReferenceFixtures.Unsafe));
        Assert.Contains("'posix.system'", error.Message);
        Assert.Contains("only tensors, containers and primitive values", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_torch_zip_is_refused_with_the_reason()
    {
        string path = ReferenceFixtures.TempFile("legacy.pt");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a]);
        var error = Assert.Throws<InvalidDataException>(() => ReferenceImporter.Import(path));
        Assert.Contains("zip format", error.Message);
    }

    [Theory]
    [InlineData(128, 0, "no feature expansion layer; this model expands its last stage to 128 features")]
    [InlineData(null, 1, "1 block(s) per decoder stage (DecoderBlocks)")]
    public void A_model_the_reference_layout_cannot_hold_is_not_exported(
        int? expand, int decoderBlocks, string expected)
    {
        using var model = new AavaeModel(new AavaeConfig
        {
            Depth = Depth.ResNet18, WidthMultiplier = 0.125, LatentDim = 16, ExpandFeatures = expand,
            DecoderBlocks = decoderBlocks,
        });
        string path = ReferenceFixtures.TempFile($"not-reference-{expand}-{decoderBlocks}.pt");
        var error = Assert.Throws<NotSupportedException>(() => ReferenceImporter.Export(model, path));
        Assert.Contains(expected, error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Import_export_import_is_exact()
    {
        var first = ReferenceImporter.Import(ReferenceFixtures.R18Checkpoint, SkipDecoder);
        using var original = first.Model;
        string path = ReferenceFixtures.TempFile("exported.pt");
        int written = ReferenceImporter.Export(original, path);
        var second = ReferenceImporter.Import(path, new() { ImageSize = 32 });
        using var again = second.Model;
        Assert.Equal(first.ImportedTensors, written);
        Assert.Equal(original.Config with { Beta = 0 }, again.Config with { Beta = 0 });

        using var exported = ReferenceCheckpoint.Load(path);
        using var reference = ReferenceCheckpoint.Load(ReferenceFixtures.R18Checkpoint);
        var referenceKeys = reference.StateDict.Keys.Where(k => !k.StartsWith("decoder.", StringComparison.Ordinal));
        Assert.Equal(referenceKeys.Order(), exported.StateDict.Keys.Order());
        foreach (var (key, tensor) in exported.StateDict)
            Assert.True(Same(tensor, reference.StateDict[key]), $"'{key}' changed in the round trip");
        var againState = again.state_dict();
        var kept = original.state_dict().Where(p => !p.Key.StartsWith("decoder.", StringComparison.Ordinal));
        foreach (var (name, tensor) in kept)
            Assert.True(Same(tensor, againState[name]), $"'{name}' changed in the round trip");
    }

    private static void AssertMatchesPyTorch(AavaeModel model, string name)
    {
        var expected = ReferenceFixtures.Expected(name);
        try
        {
            model.eval();
            using var noGrad = no_grad();
            using var features = model.forward(expected["input"]);
            var (mu, logVar) = model.Encode(expected["input"]);
            using (mu)
            using (logVar)
            {
                AssertClose(expected["features"], features, "features");
                AssertClose(expected["mu"], mu, "mu");
                AssertClose(expected["logvar"], logVar, "logvar");
            }
        }
        finally
        {
            foreach (var tensor in expected.Values) tensor.Dispose();
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= 1e-5, $"{what}: max abs difference {difference:G3} against PyTorch");
    }

    private static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
