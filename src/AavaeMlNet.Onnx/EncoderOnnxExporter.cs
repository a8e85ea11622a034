using System.Globalization;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Io;
using AavaeMlNet.Model;
using AavaeMlNet.Pixels;
using TorchSharp;
using TorchSharp.Modules;
using static AavaeMlNet.Onnx.OnnxAttribute;

namespace AavaeMlNet.Onnx;

/// <summary>
/// Writes the trained AAVAE encoder as an ONNX model (TorchSharp has no exporter), so that ML.NET's
/// OnnxTransformer, ONNX Runtime hosts and other engines can embed images without TorchSharp.
/// <para>
/// Graph (opset <see cref="OpsetVersion"/>, IR version <see cref="IrVersion"/>): input "image" float32 (N, C, H, W)
/// in [0, 1] -> Sub/Div by the normalization constants -> stem Conv (BatchNorm folded) -> Relu -> [MaxPool] ->
/// residual stages (Conv/Relu with folded BatchNorm, 1x1 projection shortcuts, Add, Relu) -> GlobalAveragePool ->
/// Flatten -> output "embedding" float32 (N, h); with an embedding grid (<see cref="ResNetEncoder.EmbeddingGrid"/>)
/// the last two stages' grid averages (Einsum, Flatten) are concatenated after h. Optionally the projection head's mu
/// (Gemm with folded BatchNorm1d -> Relu -> Gemm, from h) as output "mu" float32 (N, latent).
/// </para>
/// The graph computes the model in eval mode: BatchNorm uses its running statistics whatever the module's mode.
/// </summary>
public static class EncoderOnnxExporter
{
    /// <summary>ONNX operator set of the default domain that the graph uses.</summary>
    public const int OpsetVersion = 13;

    /// <summary>ONNX IR version written into the model (IR 8 pairs with opsets up to 18).</summary>
    public const int IrVersion = 8;

    /// <summary>Exports the backbone of <paramref name="encoder"/> to <paramref name="destination"/>.</summary>
    public static void Export(ResNetEncoder encoder, Normalization normalization, EncoderExportOptions options,
        Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Build(encoder, head: null, normalization, options)
            .WriteModel(destination, ModelInfo(encoder, normalization, options));
    }

    /// <summary>Exports the backbone of <paramref name="encoder"/> to a file, replacing it atomically.</summary>
    public static void Export(ResNetEncoder encoder, Normalization normalization, EncoderExportOptions options,
        string path)
    {
        var graph = Build(encoder, head: null, normalization, options);
        AtomicFile.Write(path, stream => graph.WriteModel(stream, ModelInfo(encoder, normalization, options)));
    }

    /// <summary>
    /// Exports the encoder of <paramref name="model"/> (and its mu head if
    /// <see cref="EncoderExportOptions.IncludeMu"/>); a null
    /// <see cref="EncoderExportOptions.Height"/>/<see cref="EncoderExportOptions.Width"/> takes the model's size.
    /// </summary>
    public static void Export(AavaeModel model, Normalization normalization, EncoderExportOptions options,
        Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var sized = WithModelSize(model, options);
        Build(model.Encoder, MuHead(model, sized), normalization, sized)
            .WriteModel(destination, ModelInfo(model.Encoder, normalization, sized));
    }

    /// <summary>
    /// As the stream overload, to a file replaced atomically (temporary file in the same folder, then rename).
    /// </summary>
    public static void Export(AavaeModel model, Normalization normalization, EncoderExportOptions options, string path)
    {
        var sized = WithModelSize(model, options);
        var graph = Build(model.Encoder, MuHead(model, sized), normalization, sized);
        AtomicFile.Write(path, stream => graph.WriteModel(stream, ModelInfo(model.Encoder, normalization, sized)));
    }

    /// <summary>The projection head that mu goes through (paper Sec. 3), or null when mu is not exported.</summary>
    private static ProjectionHead? MuHead(AavaeModel model, EncoderExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return options.IncludeMu ? model.Projection : null;
    }

    private static EncoderExportOptions WithModelSize(AavaeModel model, EncoderExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return options with
        {
            Height = options.Height ?? model.Config.Height,
            Width = options.Width ?? model.Config.Width,
        };
    }

    private static OnnxGraphBuilder Build(ResNetEncoder encoder, ProjectionHead? head, Normalization normalization,
        EncoderExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(normalization);
        ArgumentNullException.ThrowIfNull(options);
        if (options.IncludeMu && head is null)
            throw new ArgumentException(
                "IncludeMu needs the projection head: export the AavaeModel rather than its encoder.", nameof(options));
        var (stemConv, stemNorm) = encoder.StemLayers;
        int channels = checked((int)stemConv.in_channels);
        CheckNormalization(normalization, channels);

        var graph = new OnnxGraphBuilder();
        var batch = options.SingleImage ? OnnxDim.Fixed(1) : OnnxDim.Symbolic(options.BatchDimName);
        graph.AddInput(options.InputName, batch, OnnxDim.Fixed(channels),
            options.Height is { } h ? OnnxDim.Fixed(h) : OnnxDim.Symbolic("H"),
            options.Width is { } w ? OnnxDim.Fixed(w) : OnnxDim.Symbolic("W"));

        long[] perChannel = [1, channels, 1, 1];
        var pixels = options.CheckPixels ? PixelCheck(graph, options.InputName) : options.InputName;
        var x = graph.AddNode("Sub", "normalize.centered",
            [pixels, graph.AddInitializer("normalize.mean", perChannel, normalization.Mean)]);
        x = graph.AddNode("Div", "normalize.output",
            [x, graph.AddInitializer("normalize.std", perChannel, normalization.Std)]);

        x = graph.AddNode("Relu", "stem.relu", [Conv(graph, "stem.conv1", x, stemConv, stemNorm)]);
        if (encoder.StemPool is { } pool) x = MaxPool(graph, "stem.maxpool", x, pool);

        if (encoder.EmbeddingGrid > 0 && (options.Height is null || options.Width is null))
            throw new ArgumentException(
                $"The embedding's {encoder.EmbeddingGrid}x{encoder.EmbeddingGrid} grid (EmbeddingGrid) is laid out " +
                "for one input size: set Height and Width in the export options.", nameof(options));
        var stageOutputs = new List<string>();
        for (int s = 0; s < encoder.Stages.Count; s++)
        {
            int b = 0;
            foreach (var block in encoder.Stages[s].children())
            {
                var prefix = $"layer{s + 1}.{b++}";
                x = block switch
                {
                    BasicBlock basic => ResidualBlock(graph, prefix, x, basic.ConvNormPairs, basic.Downsample),
                    Bottleneck bottleneck =>
                        ResidualBlock(graph, prefix, x, bottleneck.ConvNormPairs, bottleneck.Downsample),
                    _ => throw new NotSupportedException(
                        $"Cannot export residual block '{prefix}' of type {block.GetType().Name}."),
                };
            }
            stageOutputs.Add(x);
        }

        if (encoder.Expansion is { } expansion)
            x = graph.AddNode("Relu", "expand.relu", [Conv(graph, "expand", x, expansion.Conv, expansion.Norm)]);

        var embeddingName = options.SingleImage ? "embedding.batch" : options.EmbeddingName;
        var pooled = graph.AddNode("Flatten", encoder.EmbeddingGrid > 0 ? "pool.flat" : embeddingName,
            [graph.AddNode("GlobalAveragePool", "pool", [x])], new Int("axis", 1));
        var embedding = encoder.EmbeddingGrid == 0 ? pooled : graph.AddNode("Concat", embeddingName,
            [pooled, .. new[] { 3, 4 }.Select(stage => Grid(graph, $"grid{stage}", stageOutputs[stage - 1],
                encoder.EmbeddingGrid, encoder.MapSize(stage, options.Height!.Value, options.Width!.Value)))],
            new Int("axis", 1));
        if (options.SingleImage)
        {
            var single = graph.AddNode("Squeeze", options.EmbeddingName, [embedding]); // (1, h) -> (h)
            graph.AddOutput(single, OnnxDim.Fixed(encoder.EmbeddingDim));
        }
        else graph.AddOutput(embedding, batch, OnnxDim.Fixed(encoder.EmbeddingDim));

        if (head is not null)
        {
            var fc = BatchNormFolding.Fold(head.Fc, head.Norm, "projection.fc");
            var hidden = graph.AddNode("Gemm", "projection.fc", [pooled,
                graph.AddInitializer("projection.fc.weight", fc.Shape, fc.Weight),
                graph.AddInitializer("projection.fc.bias", [fc.Shape[0]], fc.Bias)], new Int("transB", 1));
            hidden = graph.AddNode("Relu", "projection.relu", [hidden]);
            long[] muShape = head.Mu.weight.shape;
            float[] muWeight = head.Mu.weight.detach().cpu().to_type(torch.ScalarType.Float32).contiguous()
                .data<float>().ToArray();
            var mu = graph.AddNode("Gemm", options.SingleImage ? "mu.batch" : options.MuName,
                [hidden, graph.AddInitializer("projection.mu.weight", muShape, muWeight)], new Int("transB", 1));
            if (options.SingleImage)
                graph.AddOutput(graph.AddNode("Squeeze", options.MuName, [mu]), OnnxDim.Fixed(muShape[0]));
            else graph.AddOutput(mu, batch, OnnxDim.Fixed(muShape[0]));
        }
        if (options.ExposeActivations && options.Int8Ranges is not null)
            throw new ArgumentException(
                "ExposeActivations (the calibration graph) and Int8Ranges (the int8 graph) exclude each other.",
                nameof(options));
        if (options.ExposeActivations) graph.ExposeActivations();
        if (options.Int8Ranges is { } ranges) graph.QuantizeInt8(ranges);
        return graph;
    }

    /// <summary>
    /// The input, passed through only when every value is finite and within [<see cref="PixelScale.Minimum"/>,
    /// <see cref="PixelScale.Maximum"/>]. ONNX has no assertion operator, so the check is made of standard ones: any
    /// invalid value adds 1 to every dimension of the shape a Reshape asks for, which ONNX Runtime then refuses with
    /// an error naming the node ("input_check.pixels_must_be_finite_and_in_0_1/Reshape"). NaN fails both comparisons.
    /// </summary>
    private static string PixelCheck(OnnxGraphBuilder graph, string input)
    {
        var minimum = graph.AddInitializer("input_check.minimum", [], [PixelScale.Minimum]);
        var maximum = graph.AddInitializer("input_check.maximum", [], [PixelScale.Maximum]);
        var aboveMinimum = graph.AddNode("GreaterOrEqual", "input_check.above_minimum", [input, minimum]);
        var belowMaximum = graph.AddNode("LessOrEqual", "input_check.below_maximum", [input, maximum]);
        var valid = graph.AddNode("And", "input_check.valid", [aboveMinimum, belowMaximum]);
        var invalid = graph.AddNode("Not", "input_check.invalid", [valid]);
        var flags = graph.AddNode("Cast", "input_check.invalid_flags", [invalid], new Int("to", OnnxInt64));
        var anyInvalid = graph.AddNode("ReduceMax", "input_check.any_invalid", [flags], new Int("keepdims", 0));
        var shape = graph.AddNode("Shape", "input_check.shape", [input]);
        var asked = graph.AddNode("Add", "input_check.asked_shape", [shape, anyInvalid]);
        graph.MarkInteger(asked);
        return graph.AddNode("Reshape", "input_check.pixels_must_be_finite_and_in_0_1", [input, asked]);
    }

    /// <summary>
    /// A stage's (N, C, H, W) map averaged over a k x k grid of regions as PyTorch's adaptive average pooling lays
    /// them out (region i of a side S spans floor(i S / k) .. ceil((i + 1) S / k), neighbours overlap where k does not
    /// divide S): one Einsum with the regions' averaging weights, flattened channel-major to (N, C k k).
    /// </summary>
    private static string Grid(OnnxGraphBuilder graph, string name, string input, int k, (int Height, int Width) size)
    {
        var (height, width) = size;
        var weights = new float[height * width * k * k];
        for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
        {
            var (top, bottom) = (i * height / k, ((i + 1) * height + k - 1) / k);
            var (left, right) = (j * width / k, ((j + 1) * width + k - 1) / k);
            float share = 1f / ((bottom - top) * (right - left));
            for (int y = top; y < bottom; y++)
            for (int x = left; x < right; x++)
                weights[(y * width + x) * k * k + i * k + j] = share;
        }
        var averaged = graph.AddNode("Einsum", $"{name}.average",
            [input, graph.AddInitializer($"{name}.weights", [height, width, k * k], weights)],
            new OnnxAttribute.Text("equation", "nchw,hwg->ncg"));
        return graph.AddNode("Flatten", $"{name}.flat", [averaged], new Int("axis", 1));
    }

    // TensorProto.DataType.INT64.
    private const long OnnxInt64 = 7;

    /// <summary>
    /// conv-bn(-relu) along the main path, a shortcut (identity or 1x1 conv-bn), Add, Relu (He et al. 2016).
    /// </summary>
    private static string ResidualBlock(OnnxGraphBuilder graph, string prefix, string input,
        (Conv2d Conv, BatchNorm2d Norm)[] mainPath, Sequential? downsample)
    {
        var x = input;
        for (int i = 0; i < mainPath.Length; i++)
        {
            x = Conv(graph, $"{prefix}.conv{i + 1}", x, mainPath[i].Conv, mainPath[i].Norm);
            if (i < mainPath.Length - 1) x = graph.AddNode("Relu", $"{prefix}.relu{i + 1}", [x]);
        }
        var shortcut = input;
        if (downsample is not null)
        {
            var layers = downsample.children().ToArray();
            if (layers is not [Conv2d conv, BatchNorm2d norm])
                throw new NotSupportedException($"Shortcut of '{prefix}' is not a 1x1 conv followed by BatchNorm2d.");
            shortcut = Conv(graph, $"{prefix}.downsample", input, conv, norm);
        }
        var sum = graph.AddNode("Add", $"{prefix}.add", [x, shortcut]);
        return graph.AddNode("Relu", $"{prefix}.output", [sum]);
    }

    private static string Conv(OnnxGraphBuilder graph, string name, string input, Conv2d conv, BatchNorm2d norm)
    {
        if (conv.padding_type is not null || conv.padding is null || conv.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"Conv '{name}' must use explicit zero padding to be exported.");
        var folded = BatchNormFolding.Fold(conv, norm, name);
        var weight = graph.AddInitializer($"{name}.weight", folded.Shape, folded.Weight);
        var bias = graph.AddInitializer($"{name}.bias", [folded.Shape[0]], folded.Bias);
        long[] padding = conv.padding;
        return graph.AddNode("Conv", name, [input, weight, bias],
            new Ints("kernel_shape", conv.kernel_size),
            new Ints("strides", conv.stride),
            new Ints("pads", [padding[0], padding[1], padding[0], padding[1]]),
            new Ints("dilations", conv.dilation),
            new Int("group", conv.groups));
    }

    private static string MaxPool(OnnxGraphBuilder graph, string name, string input, MaxPool2d pool)
    {
        long[] kernel = Pair(pool.kernel_size, "kernel_size");
        long[] stride = pool.stride is { Length: > 0 } s ? Pair(s, "stride") : kernel;
        long[] padding = pool.padding is { Length: > 0 } p ? Pair(p, "padding") : [0, 0];
        long[] dilation = pool.dilation is { Length: > 0 } d ? Pair(d, "dilation") : [1, 1];
        return graph.AddNode("MaxPool", name, [input],
            new Ints("kernel_shape", kernel),
            new Ints("strides", stride),
            new Ints("pads", [padding[0], padding[1], padding[0], padding[1]]),
            new Ints("dilations", dilation),
            new Int("ceil_mode", pool.ceil_mode ? 1 : 0));

        long[] Pair(long[] values, string what) => values.Length switch
        {
            1 => [values[0], values[0]],
            2 => values,
            _ => throw new NotSupportedException($"Max-pool '{name}' has a {values.Length}-element {what}."),
        };
    }

    private static void CheckNormalization(Normalization normalization, int channels)
    {
        if (normalization.Mean.Length != normalization.Std.Length)
            throw new ArgumentException(
                $"Normalization has {normalization.Mean.Length} means but " +
                $"{normalization.Std.Length} standard deviations.", nameof(normalization));
        if (normalization.Channels != channels)
            throw new ArgumentException(
                $"Normalization is for {normalization.Channels} channel(s) but the encoder takes {channels}.",
                nameof(normalization));
        if (normalization.Std.Any(s => !(s > 0 && float.IsFinite(s))))
            throw new ArgumentException("Normalization standard deviations must be finite and positive.",
                nameof(normalization));
    }

    private static OnnxModelInfo ModelInfo(ResNetEncoder encoder, Normalization normalization,
        EncoderExportOptions options)
    {
        static string Join(float[] values) =>
            string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return new OnnxModelInfo(
            IrVersion, OpsetVersion,
            ProducerName: "AavaeMlNet",
            ProducerVersion: typeof(EncoderOnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            GraphName: "aavae_encoder",
            DocString: $"AAVAE ResNet encoder: '{options.InputName}' float32 (N, C, H, W) in [0, 1], "
                + "normalized inside the graph, "
                + $"-> '{options.EmbeddingName}' float32 (N, {encoder.EmbeddingDim})"
                + (options.IncludeMu ? $" and '{options.MuName}' (mean of q(z|x))." : "."),
            Metadata:
            [
                new("aavae.stem", encoder.Stem.ToString()),
                new("aavae.feature_dim", encoder.FeatureDim.ToString(CultureInfo.InvariantCulture)),
                new("aavae.embedding_grid", encoder.EmbeddingGrid.ToString(CultureInfo.InvariantCulture)),
                new("aavae.normalization.mean", Join(normalization.Mean)),
                new("aavae.normalization.std", Join(normalization.Std)),
                // The graph is fp32 whatever the model trained in; this records the training arithmetic.
                new("aavae.trained_precision", encoder.Compute.Precision.ToString()),
                .. options.Metadata,
            ]);
    }
}
