using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AavaeMlNet.Onnx.Tests;

public class EncoderOnnxExporterTests(ITestOutputHelper output)
{
    // The figure of docs/architecture.md; measured here: at most 4.2e-5 (ResNet-50, ImageNet stem) on embeddings up
    // to 113 in size. The grid's values reach 85 on ResNet-50 and differ by up to 7.6e-5 (10 units in the last place
    // of float32 there), so embeddings larger than 25 get 2e-6 of their largest value: an AVX2-only CPU, summing in
    // another order, differed by 1.05e-6 of it (ResNet-50, 64 px, grid 2); a wrong graph is off by far more.
    private const float Tolerance = 5e-5f;

    private static float ToleranceFor(float[] embedding) => Math.Max(Tolerance, 2e-6f * embedding.Max(Math.Abs));

    public static TheoryData<Depth, Stem, int, int, int?, int> DepthsAndStems()
    {
        var data = new TheoryData<Depth, Stem, int, int, int?, int>();
        foreach (var depth in new[] { Depth.ResNet18, Depth.ResNet34, Depth.ResNet50 })
        {
            data.Add(depth, Stem.Cifar, 3, 32, null, 0);
            data.Add(depth, Stem.Stl, 3, 96, null, 0);
            data.Add(depth, Stem.ImageNet, 3, 64, null, 0);
            data.Add(depth, Stem.Small, 1, 28, null, 0);
        }
        // The main job's encoder shape: the last stage expanded before pooling, and the CPU recipe's 2x2 grid
        // (7x7 maps: overlapping regions).
        data.Add(Depth.ResNet18, Stem.Cifar, 1, 28, 256, 0);
        data.Add(Depth.ResNet18, Stem.Small, 1, 28, 256, 2);
        // Other grids on other map sizes (8x8 and 4x4; 6x6 and 3x3; 4x4 and 2x2, with bottlenecks).
        data.Add(Depth.ResNet18, Stem.Cifar, 3, 32, null, 3);
        data.Add(Depth.ResNet18, Stem.Stl, 3, 96, null, 4);
        data.Add(Depth.ResNet50, Stem.ImageNet, 3, 64, null, 2);
        return data;
    }

    private static Normalization NormalizationFor(int channels) =>
        channels == 1 ? Normalization.FashionMnist : Normalization.Cifar10;

    private static byte[] Exported(ResNetEncoder encoder, Normalization normalization, EncoderExportOptions options)
    {
        using var stream = new MemoryStream();
        EncoderOnnxExporter.Export(encoder, normalization, options, stream);
        return stream.ToArray();
    }

    private static byte[] Exported(AavaeModel model, Normalization normalization, EncoderExportOptions options)
    {
        using var stream = new MemoryStream();
        EncoderOnnxExporter.Export(model, normalization, options, stream);
        return stream.ToArray();
    }

    [Theory]
    [MemberData(nameof(DepthsAndStems))]
    public void Onnx_embedding_matches_TorchSharp_eval_forward_for_every_depth_and_stem(
        Depth depth, Stem stem, int channels, int side, int? expand, int grid)
    {
        manual_seed(1234);
        var config = new AavaeConfig
        {
            Channels = channels,
            Height = side,
            Width = side,
            Depth = depth,
            Stem = stem,
            WidthMultiplier = 0.125,
            ExpandFeatures = expand,
            EmbeddingGrid = grid,
        };
        using var encoder = new ResNetEncoder(config);
        ModelFixtures.RandomizeBatchNorms(encoder, seed: 99);
        encoder.eval();
        var normalization = NormalizationFor(channels);

        // A grid is laid out for one input size; without one the graph takes any size.
        var options = grid == 0 ? new EncoderExportOptions() : new EncoderExportOptions { Height = side, Width = side };
        using var session = new InferenceSession(Exported(encoder, normalization, options));
        foreach (int batch in new[] { 1, 3 })
        {
            using var noGrad = no_grad();
            using var images = rand(batch, channels, side, side);
            using var normalized = normalization.Apply(images);
            using var expected = encoder.Embed(normalized);

            var outputs = OnnxRunner.Run(session, "image", ModelFixtures.Floats(images), images.shape);
            var (shape, values) = outputs["embedding"];
            Assert.Equal(new long[] { batch, config.EmbeddingDim }, shape);
            var expectedValues = ModelFixtures.Floats(expected);
            float diff = OnnxRunner.MaxAbsDifference(expectedValues, values);
            output.WriteLine($"{depth} {stem} expand {expand} grid {grid} batch {batch}: " +
                $"max |TorchSharp - ONNX| = {diff:E2} " +
                $"(max |embedding| = {expectedValues.Max(Math.Abs):F3})");
            float tolerance = ToleranceFor(expectedValues);
            Assert.True(diff <= tolerance, $"max abs difference {diff} exceeds {tolerance}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)] // mu reads the pooled h, the embedding the grid too
    public void Onnx_mu_matches_AavaeModel_Encode_in_eval_mode(int grid)
    {
        manual_seed(4321);
        var config = new AavaeConfig
        {
            Depth = Depth.ResNet18,
            Stem = Stem.Cifar,
            WidthMultiplier = 0.125,
            LatentDim = 16,
            EmbeddingGrid = grid,
        };
        using var model = new AavaeModel(config);
        ModelFixtures.RandomizeBatchNorms(model, seed: 7);
        using (var noGrad = no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
                if (name == "projection.fc.bias") parameter.copy_(randn(parameter.shape) * 0.3);
        }
        model.eval();
        var normalization = Normalization.Cifar10;

        using var session = new InferenceSession(
            Exported(model, normalization, new EncoderExportOptions { IncludeMu = true }));
        foreach (int batch in new[] { 1, 3 })
        {
            using var noGrad = no_grad();
            using var images = rand(batch, 3, 32, 32);
            using var normalized = normalization.Apply(images);
            var (mu, logVar) = model.Encode(normalized);
            using var features = model.forward(normalized);

            var outputs = OnnxRunner.Run(session, "image", ModelFixtures.Floats(images), images.shape);
            Assert.Equal(new long[] { batch, 16 }, outputs["mu"].Shape);
            float muDiff = OnnxRunner.MaxAbsDifference(ModelFixtures.Floats(mu), outputs["mu"].Values);
            float embeddingDiff =
                OnnxRunner.MaxAbsDifference(ModelFixtures.Floats(features), outputs["embedding"].Values);
            output.WriteLine($"batch {batch}: max |mu diff| = {muDiff:E2}, max |embedding diff| = {embeddingDiff:E2}");
            Assert.True(muDiff <= Tolerance, $"mu: max abs difference {muDiff} exceeds {Tolerance}");
            Assert.True(embeddingDiff <= Tolerance,
                $"embedding: max abs difference {embeddingDiff} exceeds {Tolerance}");
            mu.Dispose();
            logVar.Dispose();
        }
    }

    [Fact]
    public void Exported_model_declares_the_documented_names_shapes_and_metadata()
    {
        var config = new AavaeConfig
        {
            Depth = Depth.ResNet18,
            Stem = Stem.Cifar,
            WidthMultiplier = 0.125,
            LatentDim = 16,
        };
        using var model = new AavaeModel(config);
        using var session = new InferenceSession(
            Exported(model, Normalization.Cifar10, new EncoderExportOptions { IncludeMu = true }));

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("image", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal(new[] { -1, 3, 32, 32 }, input.Value.Dimensions);
        Assert.Equal("N", input.Value.SymbolicDimensions[0]);

        Assert.Equal(new[] { "embedding", "mu" }, session.OutputNames);
        Assert.Equal(new[] { -1, 64 }, session.OutputMetadata["embedding"].Dimensions);
        Assert.Equal(new[] { -1, 16 }, session.OutputMetadata["mu"].Dimensions);
        Assert.Equal("N", session.OutputMetadata["embedding"].SymbolicDimensions[0]);

        var metadata = session.ModelMetadata;
        Assert.Equal("AavaeMlNet", metadata.ProducerName);
        Assert.Equal("Cifar", metadata.CustomMetadataMap["aavae.stem"]);
        Assert.Equal("64", metadata.CustomMetadataMap["aavae.feature_dim"]);
        Assert.Equal("0.4914,0.4822,0.4465", metadata.CustomMetadataMap["aavae.normalization.mean"]);
        Assert.Equal("Float32", metadata.CustomMetadataMap["aavae.trained_precision"]);
    }

    [Fact]
    public void A_bf16_trained_model_exports_an_fp32_graph_that_records_its_training_precision()
    {
        var config = new AavaeConfig
        {
            Channels = 1,
            Height = 16,
            Width = 16,
            Depth = Depth.ResNet18,
            WidthMultiplier = 0.125,
        };
        using var model = new AavaeModel(config);
        model.eval();
        model.Compute.Precision = Precision.BFloat16Mixed;
        model.Compute.ChannelsLast = true;
        var normalization = new Normalization([0.5f], [0.25f]);
        using var session = new InferenceSession(Exported(model, normalization, new EncoderExportOptions()));
        Assert.Equal("BFloat16Mixed", session.ModelMetadata.CustomMetadataMap["aavae.trained_precision"]);
        Assert.Equal(typeof(float), session.OutputMetadata["embedding"].ElementType);

        // The fp32 graph equals the fp32 TorchSharp forward; bf16 inference in TorchSharp stays within bf16 rounding.
        var pixels = Enumerable.Range(0, 2 * 256).Select(i => (float)((i * 37 % 101) / 100.0)).ToArray();
        using var images = tensor(pixels).view(2, 1, 16, 16);
        var onnx = session.Run([NamedOnnxValue.CreateFromTensor("image",
            new DenseTensor<float>(pixels, [2, 1, 16, 16]))]).First().AsEnumerable<float>().ToArray();
        using var normalized = normalization.Apply(images);
        using var bf16 = model.forward(normalized);
        model.Compute.Precision = Precision.Float32;
        using var fp32 = model.forward(normalized);
        var fp32Values = fp32.data<float>().ToArray();
        var bf16Values = bf16.data<float>().ToArray();
        double scale = fp32Values.Max(Math.Abs);
        for (int i = 0; i < onnx.Length; i++)
        {
            Assert.True(Math.Abs(onnx[i] - fp32Values[i]) <= 1e-4,
                $"ONNX vs fp32 at {i}: {onnx[i]} vs {fp32Values[i]}");
            Assert.True(Math.Abs(bf16Values[i] - fp32Values[i]) <= 0.05 * scale, $"bf16 vs fp32 at {i}");
        }
    }

    [Fact]
    public void Bare_encoder_export_has_symbolic_spatial_size_and_runs_at_any_size()
    {
        var config = new AavaeConfig { Depth = Depth.ResNet18, Stem = Stem.Cifar, WidthMultiplier = 0.125 };
        using var encoder = new ResNetEncoder(config);
        encoder.eval();
        using var session = new InferenceSession(Exported(encoder, Normalization.Cifar10, new EncoderExportOptions()));
        Assert.Equal(new[] { "N", "", "H", "W" }, session.InputMetadata["image"].SymbolicDimensions);

        using var noGrad = no_grad();
        using var images = rand(2, 3, 40, 24);
        using var normalized = Normalization.Cifar10.Apply(images);
        using var expected = encoder.forward(normalized);
        var (shape, values) = OnnxRunner.Run(session, "image", ModelFixtures.Floats(images), images.shape)["embedding"];
        Assert.Equal(new long[] { 2, 64 }, shape);
        Assert.True(OnnxRunner.MaxAbsDifference(ModelFixtures.Floats(expected), values) <= Tolerance);
    }

    [Fact]
    public void Export_to_a_path_replaces_the_file_and_leaves_no_temporary_files()
    {
        using var folder = new TestDirectory("onnx");
        var path = Path.Combine(folder.Path, "encoder.onnx");
        File.WriteAllText(path, "stale");
        var config = new AavaeConfig
        {
            Depth = Depth.ResNet18,
            Stem = Stem.Small,
            Channels = 1,
            Height = 28,
            Width = 28,
            WidthMultiplier = 0.125,
        };
        using var model = new AavaeModel(config);
        EncoderOnnxExporter.Export(model, Normalization.FashionMnist, new EncoderExportOptions(), path);

        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
        using var session = new InferenceSession(path);
        Assert.Equal(new[] { -1, 1, 28, 28 }, session.InputMetadata["image"].Dimensions);
    }

    [Fact]
    public void A_grid_needs_the_input_size()
    {
        using var encoder = new ResNetEncoder(new AavaeConfig { WidthMultiplier = 0.125, EmbeddingGrid = 2 });
        var error = Assert.Throws<ArgumentException>(
            () => Exported(encoder, Normalization.Cifar10, new EncoderExportOptions()));
        Assert.Equal("options", error.ParamName);
        Assert.Contains("2x2 grid (EmbeddingGrid) is laid out for one input size: set Height and Width",
            error.Message);
    }

    [Fact]
    public void Mu_output_from_a_bare_encoder_is_rejected()
    {
        using var encoder = new ResNetEncoder(new AavaeConfig { Depth = Depth.ResNet18, WidthMultiplier = 0.125 });
        var error = Assert.Throws<ArgumentException>(
            () => Exported(encoder, Normalization.Cifar10, new EncoderExportOptions { IncludeMu = true }));
        Assert.Contains("AavaeModel", error.Message);
    }

    [Fact]
    public void Normalization_for_another_channel_count_is_rejected()
    {
        using var encoder = new ResNetEncoder(new AavaeConfig { Depth = Depth.ResNet18, WidthMultiplier = 0.125 });
        var error = Assert.Throws<ArgumentException>(
            () => Exported(encoder, Normalization.FashionMnist, new EncoderExportOptions()));
        Assert.Contains("1 channel(s) but the encoder takes 3", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)] // the grid reads the dequantized stage outputs
    public void The_calibration_graph_outputs_every_activation_and_the_int8_graph_needs_a_range_for_each(int grid)
    {
        var config = new AavaeConfig
        {
            Depth = Depth.ResNet18, Stem = Stem.Cifar, WidthMultiplier = 0.125, EmbeddingGrid = grid,
        };
        using var encoder = new ResNetEncoder(config);
        encoder.eval();
        var options = new EncoderExportOptions { Height = 16, Width = 16 };
        using var images = rand(4, 3, 16, 16);
        var pixels = ModelFixtures.Floats(images);

        using var calibration = new InferenceSession(Exported(encoder, Normalization.Cifar10,
            options with { ExposeActivations = true }));
        var outputs = OnnxRunner.Run(calibration, "image", pixels, images.shape);
        foreach (string name in new[] { "embedding", "normalize.output", "stem.conv1", "stem.relu", "layer1.0.conv1",
                     "layer1.0.add", "layer1.0.output", "layer4.1.output" })
            Assert.True(outputs.ContainsKey(name), $"no output '{name}'");
        // The normalization's output is (x - mean) / std, per channel: channel 0 of the first pixel, by hand.
        var normalized = outputs["normalize.output"].Values;
        Assert.Equal((pixels[0] - Normalization.Cifar10.Mean[0]) / Normalization.Cifar10.Std[0], normalized[0], 5);
        Assert.All(outputs["layer1.0.output"].Values, v => Assert.True(v >= 0));

        var ranges = outputs.ToDictionary(o => o.Key, o => new ActivationRange(o.Value.Values.Min(),
            o.Value.Values.Max()));
        using var int8 = new InferenceSession(Exported(encoder, Normalization.Cifar10,
            options with { Int8Ranges = ranges }));
        var quantized = OnnxRunner.Run(int8, "image", pixels, images.shape)["embedding"];
        Assert.Equal(outputs["embedding"].Shape, quantized.Shape);
        float largest = outputs["embedding"].Values.Max(Math.Abs);
        Assert.True(OnnxRunner.MaxAbsDifference(outputs["embedding"].Values, quantized.Values) <= 0.1f * largest,
            "the int8 embedding is not close to the float one");
        Assert.NotEqual(outputs["embedding"].Values, quantized.Values);

        ranges.Remove("layer2.1.output");
        var missing = Assert.Throws<ArgumentException>(() => Exported(encoder, Normalization.Cifar10,
            options with { Int8Ranges = ranges }));
        Assert.StartsWith("Activation 'layer2.1.output' has no finite calibrated range.", missing.Message);
        var both = Assert.Throws<ArgumentException>(() => Exported(encoder, Normalization.Cifar10,
            options with { Int8Ranges = ranges, ExposeActivations = true }));
        Assert.StartsWith(
            "ExposeActivations (the calibration graph) and Int8Ranges (the int8 graph) exclude each other.",
            both.Message);
    }
}
