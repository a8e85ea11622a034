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
}

/// <summary>
/// Collects a float32 ONNX graph (nodes in topological order, constant initializers, typed inputs and outputs)
/// and writes it as a ModelProto. Knows the ONNX messages, nothing about ResNets.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private sealed record Node(
        string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);
    private sealed record Initializer(string Name, long[] Dims, float[] Data);
    private sealed record ValueInfo(string Name, OnnxDim[] Shape);

    private readonly List<Node> nodes = [];
    private readonly List<Initializer> initializers = [];
    private readonly List<ValueInfo> inputs = [];
    private readonly List<ValueInfo> outputs = [];
    private readonly HashSet<string> names = [];

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
        initializers.Add(new Initializer(name, dims, data));
        return name;
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
            default:
                throw new NotSupportedException($"Attribute kind {attribute.GetType().Name} is not supported.");
        }
    }

    private static void WriteTensor(ProtoWriter w, Initializer tensor)
    {
        foreach (var dim in tensor.Dims) w.WriteInt64(TensorProtoField.Dims, dim);
        w.WriteInt64(TensorProtoField.DataType, TensorDataType.Float);
        w.WriteString(TensorProtoField.Name, tensor.Name);
        // raw_data is little-endian whatever the host's byte order (onnx.proto, TensorProto.raw_data).
        var raw = new byte[tensor.Data.Length * sizeof(float)];
        for (int i = 0; i < tensor.Data.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), tensor.Data[i]);
        w.WriteBytes(TensorProtoField.RawData, raw);
    }

    private static void WriteValueInfo(ProtoWriter w, ValueInfo value)
    {
        w.WriteString(ValueInfoProtoField.Name, value.Name);
        w.WriteMessage(ValueInfoProtoField.Type, type => type.WriteMessage(TypeProtoField.TensorType, tensor =>
        {
            tensor.WriteInt64(TypeProtoField.ElemType, TensorDataType.Float);
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

/// <summary>Model-level fields of the ModelProto.</summary>
internal sealed record OnnxModelInfo(
    long IrVersion,
    long OpsetVersion,
    string ProducerName,
    string ProducerVersion,
    string GraphName,
    string DocString,
    IReadOnlyList<KeyValuePair<string, string>> Metadata);
