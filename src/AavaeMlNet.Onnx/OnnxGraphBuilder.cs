using System.Buffers.Binary;
using AavaeMlNet.Onnx.Protobuf;

namespace AavaeMlNet.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name such as "N".</summary>
internal readonly record struct OnnxDim(long? Value, string? Param)
{
    public static OnnxDim Fixed(long value) => new(value, null);
    public static OnnxDim Symbolic(string name) => new(null, name);
}

/// <summary>A node attribute of one of the three kinds the encoder graph uses.</summary>
internal abstract record OnnxAttribute(string Name)
{
    public sealed record Int(string Name, long Value) : OnnxAttribute(Name);
    public sealed record Ints(string Name, long[] Values) : OnnxAttribute(Name);
    public sealed record Float(string Name, float Value) : OnnxAttribute(Name);
    public sealed record Text(string Name, string Value) : OnnxAttribute(Name);
}

/// <summary>
/// Collects a float32 ONNX graph (nodes in topological order, constant initializers, typed inputs and outputs)
/// and writes it as a ModelProto. Knows the ONNX messages, nothing about ResNets.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private sealed record Node(
        string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);
    // Float initializers keep their values (the int8 rewrite quantizes convolution weights); Raw is what is written.
    private sealed record Initializer(string Name, long[] Dims, int DataType, byte[] Raw, float[]? Floats);
    // A null shape: an output whose shape ONNX Runtime infers (the activations exposed for calibration).
    private sealed record ValueInfo(string Name, OnnxDim[]? Shape);

    private readonly List<Node> nodes = [];
    private readonly List<Initializer> initializers = [];
    private readonly List<ValueInfo> inputs = [];
    private readonly List<ValueInfo> outputs = [];
    private readonly HashSet<string> names = [];
    private readonly HashSet<string> integers = [];

    public void AddInput(string name, params OnnxDim[] shape)
    {
        Claim(name);
        inputs.Add(new ValueInfo(name, shape));
    }

    /// <summary>Declares an already produced value as a graph output.</summary>
    public void AddOutput(string name, params OnnxDim[] shape) => outputs.Add(new ValueInfo(name, shape));

    /// <summary>Adds a constant float tensor; returns its name.</summary>
    public string AddInitializer(string name, long[] dims, float[] data)
    {
        if (dims.Aggregate(1L, (a, b) => a * b) != data.Length)
            throw new ArgumentException(
                $"Initializer '{name}' has {data.Length} values for shape ({string.Join(", ", dims)}).", nameof(data));
        Claim(name);
        // raw_data is little-endian whatever the host's byte order (onnx.proto, TensorProto.raw_data).
        var raw = new byte[data.Length * sizeof(float)];
        for (int i = 0; i < data.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), data[i]);
        initializers.Add(new Initializer(name, dims, TensorDataType.Float, raw, data));
        return name;
    }

    private string AddByteInitializer(string name, long[] dims, int dataType, byte[] raw)
    {
        Claim(name);
        initializers.Add(new Initializer(name, dims, dataType, raw, null));
        return name;
    }

    /// <summary>The op types whose outputs the int8 rewrite quantizes (and calibration measures).</summary>
    public static readonly IReadOnlySet<string> QuantizedOutputs = new HashSet<string> { "Conv", "Relu", "Add", "Div" };

    /// <summary>
    /// Names of the activations the int8 rewrite needs ranges for: the outputs of <see cref="QuantizedOutputs"/>
    /// nodes that are not graph outputs nor integer values (<see cref="MarkInteger"/>), in graph order.
    /// </summary>
    public IReadOnlyList<string> Activations()
    {
        var declared = outputs.Select(o => o.Name).ToHashSet();
        return [.. nodes.Where(n => QuantizedOutputs.Contains(n.OpType)).SelectMany(n => n.Outputs)
            .Where(o => !declared.Contains(o) && !integers.Contains(o))];
    }

    /// <summary>
    /// Declares the value <paramref name="name"/> an integer tensor (a shape, a count): an <c>Add</c> of shapes is no
    /// activation to calibrate or quantize.
    /// </summary>
    public void MarkInteger(string name) => integers.Add(name);

    /// <summary>Declares every activation of <see cref="Activations"/> as a graph output (for calibration).</summary>
    public void ExposeActivations()
    {
        foreach (string name in Activations()) outputs.Add(new ValueInfo(name, null));
    }

    /// <summary>
    /// Rewrites the graph into ONNX's QDQ form, which ONNX Runtime runs with int8 kernels (QLinearConv, QLinearAdd):
    /// each convolution's weight becomes per-output-channel symmetric int8 behind a DequantizeLinear, and each
    /// activation of <see cref="Activations"/> goes through QuantizeLinear/DequantizeLinear to uint8 with the scale
    /// and zero point of its range (widened to hold 0). A convolution's or a residual sum's output that only feeds a
    /// Relu is left as it is: the Relu's quantized range starts at 0, so ONNX Runtime drops the Relu and runs the pair
    /// as one QLinearConv or QLinearAdd (a quantized sum before the Relu left a DequantizeLinear and a QuantizeLinear
    /// per block unfused: 19 % of the int8 encoder's time). Graph outputs stay float.
    /// </summary>
    /// <exception cref="ArgumentException">An activation has no range, or a range is not finite.</exception>
    public void QuantizeInt8(IReadOnlyDictionary<string, ActivationRange> ranges)
    {
        var consumers = nodes.SelectMany(n => n.Inputs.Select(i => (Input: i, n.OpType)))
            .ToLookup(c => c.Input, c => c.OpType);
        var floats = initializers.Where(i => i.Floats is not null).ToDictionary(i => i.Name);
        var activations = Activations().ToHashSet();
        var rewritten = new List<Node>();
        var renamed = new Dictionary<string, string>();
        foreach (var node in nodes)
        {
            string[] inputs = [.. node.Inputs.Select(i => renamed.GetValueOrDefault(i, i))];
            if (node.OpType == "Conv") inputs[1] = QuantizedWeight(floats[node.Inputs[1]], rewritten);
            rewritten.Add(node with { Inputs = inputs });
            foreach (string output in node.Outputs)
            {
                if (!activations.Contains(output)
                    || (node.OpType is "Conv" or "Add" && consumers[output].SequenceEqual(["Relu"]))) continue;
                if (!ranges.TryGetValue(output, out var range) || !float.IsFinite(range.Min)
                    || !float.IsFinite(range.Max))
                    throw new ArgumentException(
                        $"Activation '{output}' has no finite calibrated range.", nameof(ranges));
                float low = Math.Min(range.Min, 0), high = Math.Max(range.Max, 0);
                float scale = high > low ? (high - low) / 255f : 1e-8f;
                byte zero = (byte)Math.Clamp(MathF.Round(-low / scale), 0, 255);
                string s = AddInitializer($"{output}.q_scale", [], [scale]);
                string z = AddByteInitializer($"{output}.q_zero", [], TensorDataType.UInt8, [zero]);
                Claim($"{output}.q");
                Claim($"{output}.dq");
                rewritten.Add(new Node("QuantizeLinear", $"{output}.q/QuantizeLinear", [output, s, z], [$"{output}.q"],
                    []));
                rewritten.Add(new Node("DequantizeLinear", $"{output}.dq/DequantizeLinear", [$"{output}.q", s, z],
                    [$"{output}.dq"], []));
                renamed[output] = $"{output}.dq";
            }
        }
        nodes.Clear();
        nodes.AddRange(rewritten);
        var used = nodes.SelectMany(n => n.Inputs).ToHashSet();
        initializers.RemoveAll(i => !used.Contains(i.Name));
    }

    // Per-output-channel symmetric 8-bit weights and the DequantizeLinear that restores them, stored as uint8 with
    // zero point 128 (values 1..255), not as int8: ONNX Runtime multiplies uint8 activations by int8 weights, on CPUs
    // without VNNI (AVX2-only), with vpmaddubsw, which saturates a pair of products at 32,767 (2 x 255 x 127 does not
    // fit), and int8 embeddings agreed with the float ones only to a cosine of 0.68-0.94 there. Its uint8 x uint8
    // kernels widen to 16 bits first and are exact on every CPU, in any session (a model.zip's OnnxTransformer
    // included, whose session options cannot ask for ONNX Runtime's exact mode).
    private const int WeightZero = 128;

    private string QuantizedWeight(Initializer weight, List<Node> rewritten)
    {
        float[] values = weight.Floats!;
        int channels = checked((int)weight.Dims[0]);
        int perChannel = values.Length / channels;
        var scales = new float[channels];
        var quantized = new byte[values.Length];
        for (int c = 0; c < channels; c++)
        {
            var channel = values.AsSpan(c * perChannel, perChannel);
            float largest = 0;
            foreach (float v in channel) largest = Math.Max(largest, Math.Abs(v));
            scales[c] = largest > 0 ? largest / 127f : 1e-8f;
            for (int i = 0; i < perChannel; i++)
                quantized[c * perChannel + i] =
                    (byte)(WeightZero + Math.Clamp(MathF.Round(channel[i] / scales[c]), -127, 127));
        }
        string q = AddByteInitializer($"{weight.Name}.int8", weight.Dims, TensorDataType.UInt8, quantized);
        string s = AddInitializer($"{weight.Name}.scale", [channels], scales);
        string z = AddByteInitializer($"{weight.Name}.zero", [channels], TensorDataType.UInt8,
            Enumerable.Repeat((byte)WeightZero, channels).ToArray());
        string output = $"{weight.Name}.dq";
        Claim(output);
        rewritten.Add(new Node("DequantizeLinear", $"{output}/DequantizeLinear", [q, s, z], [output],
            [new OnnxAttribute.Int("axis", 0)]));
        return output;
    }

    /// <summary>Adds a node with one output named <paramref name="output"/>; returns that name.</summary>
    public string AddNode(string opType, string output, string[] inputs, params OnnxAttribute[] attributes)
    {
        Claim(output);
        nodes.Add(new Node(opType, $"{output}/{opType}", inputs, [output], attributes));
        return output;
    }

    public void WriteModel(Stream destination, OnnxModelInfo info)
    {
        var model = new ProtoWriter(destination);
        model.WriteInt64(ModelProtoField.IrVersion, info.IrVersion);
        model.WriteString(ModelProtoField.ProducerName, info.ProducerName);
        model.WriteString(ModelProtoField.ProducerVersion, info.ProducerVersion);
        model.WriteString(ModelProtoField.DocString, info.DocString);
        model.WriteMessage(ModelProtoField.Graph, graph => WriteGraph(graph, info.GraphName));
        model.WriteMessage(ModelProtoField.OpsetImport, opset =>
        {
            opset.WriteString(OperatorSetIdField.Domain, "");
            opset.WriteInt64(OperatorSetIdField.Version, info.OpsetVersion);
        });
        foreach (var (key, value) in info.Metadata)
        {
            model.WriteMessage(ModelProtoField.MetadataProps, entry =>
            {
                entry.WriteString(StringStringEntryField.Key, key);
                entry.WriteString(StringStringEntryField.Value, value);
            });
        }
    }

    private void WriteGraph(ProtoWriter graph, string graphName)
    {
        foreach (var node in nodes) graph.WriteMessage(GraphProtoField.Node, w => WriteNode(w, node));
        graph.WriteString(GraphProtoField.Name, graphName);
        foreach (var initializer in initializers)
            graph.WriteMessage(GraphProtoField.Initializer, w => WriteTensor(w, initializer));
        foreach (var input in inputs) graph.WriteMessage(GraphProtoField.Input, w => WriteValueInfo(w, input));
        foreach (var output in outputs) graph.WriteMessage(GraphProtoField.Output, w => WriteValueInfo(w, output));
    }

    private static void WriteNode(ProtoWriter w, Node node)
    {
        foreach (var input in node.Inputs) w.WriteString(NodeProtoField.Input, input);
        foreach (var output in node.Outputs) w.WriteString(NodeProtoField.Output, output);
        w.WriteString(NodeProtoField.Name, node.Name);
        w.WriteString(NodeProtoField.OpType, node.OpType);
        foreach (var attribute in node.Attributes)
            w.WriteMessage(NodeProtoField.Attribute, a => WriteAttribute(a, attribute));
    }

    private static void WriteAttribute(ProtoWriter w, OnnxAttribute attribute)
    {
        w.WriteString(AttributeProtoField.Name, attribute.Name);
        switch (attribute)
        {
            case OnnxAttribute.Int i:
                w.WriteInt64(AttributeProtoField.I, i.Value);
                w.WriteInt64(AttributeProtoField.Type, AttributeType.Int);
                break;
            case OnnxAttribute.Ints ints:
                // proto2 repeated scalars are unpacked by default: one tagged varint per value.
                foreach (var value in ints.Values) w.WriteInt64(AttributeProtoField.Ints, value);
                w.WriteInt64(AttributeProtoField.Type, AttributeType.Ints);
                break;
            case OnnxAttribute.Float f:
                w.WriteFloat(AttributeProtoField.F, f.Value);
                w.WriteInt64(AttributeProtoField.Type, AttributeType.Float);
                break;
            case OnnxAttribute.Text text:
                w.WriteString(AttributeProtoField.S, text.Value);
                w.WriteInt64(AttributeProtoField.Type, AttributeType.String);
                break;
            default:
                throw new NotSupportedException($"Attribute kind {attribute.GetType().Name} is not supported.");
        }
    }

    private static void WriteTensor(ProtoWriter w, Initializer tensor)
    {
        foreach (var dim in tensor.Dims) w.WriteInt64(TensorProtoField.Dims, dim);
        w.WriteInt64(TensorProtoField.DataType, tensor.DataType);
        w.WriteString(TensorProtoField.Name, tensor.Name);
        w.WriteBytes(TensorProtoField.RawData, tensor.Raw);
    }

    private static void WriteValueInfo(ProtoWriter w, ValueInfo value)
    {
        w.WriteString(ValueInfoProtoField.Name, value.Name);
        w.WriteMessage(ValueInfoProtoField.Type, type => type.WriteMessage(TypeProtoField.TensorType, tensor =>
        {
            tensor.WriteInt64(TypeProtoField.ElemType, TensorDataType.Float);
            if (value.Shape is null) return;
            tensor.WriteMessage(TypeProtoField.Shape, shape =>
            {
                foreach (var dim in value.Shape)
                {
                    shape.WriteMessage(TensorShapeProtoField.Dim, d =>
                    {
                        if (dim.Value is { } size)
                            d.WriteInt64(TensorShapeProtoField.DimValue, size);
                        else
                            d.WriteString(TensorShapeProtoField.DimParam, dim.Param ?? throw new ArgumentException(
                                $"Dimension of '{value.Name}' has neither size nor name."));
                    });
                }
            });
        }));
    }

    private void Claim(string name)
    {
        if (!names.Add(name))
            throw new InvalidOperationException($"The ONNX graph already has a value named '{name}'.");
    }
}

/// <summary>The smallest and largest value an activation took over the calibration images.</summary>
public readonly record struct ActivationRange(float Min, float Max);

/// <summary>Model-level fields of the ModelProto.</summary>
internal sealed record OnnxModelInfo(
    long IrVersion,
    long OpsetVersion,
    string ProducerName,
    string ProducerVersion,
    string GraphName,
    string DocString,
    IReadOnlyList<KeyValuePair<string, string>> Metadata);
