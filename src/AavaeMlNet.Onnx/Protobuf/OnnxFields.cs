namespace AavaeMlNet.Onnx.Protobuf;

// Field numbers and enum values of onnx/onnx.proto (proto2), limited to the messages this exporter writes.
// Checked against https://github.com/onnx/onnx/blob/main/onnx/onnx.proto.

internal static class ModelProtoField
{
    public const int IrVersion = 1;
    public const int ProducerName = 2;
    public const int ProducerVersion = 3;
    public const int DocString = 6;
    public const int Graph = 7;
    public const int OpsetImport = 8;
    public const int MetadataProps = 14;
}

internal static class OperatorSetIdField
{
    public const int Domain = 1;
    public const int Version = 2;
}

internal static class StringStringEntryField
{
    public const int Key = 1;
    public const int Value = 2;
}

internal static class GraphProtoField
{
    public const int Node = 1;
    public const int Name = 2;
    public const int Initializer = 5;
    public const int Input = 11;
    public const int Output = 12;
}

internal static class NodeProtoField
{
    public const int Input = 1;
    public const int Output = 2;
    public const int Name = 3;
    public const int OpType = 4;
    public const int Attribute = 5;
}

internal static class AttributeProtoField
{
    public const int Name = 1;
    public const int F = 2;
    public const int I = 3;
    public const int S = 4;
    public const int Ints = 8;
    public const int Type = 20;
}

/// <summary>AttributeProto.AttributeType.</summary>
internal static class AttributeType
{
    public const int Float = 1;
    public const int Int = 2;
    public const int String = 3;
    public const int Ints = 7;
}

internal static class TensorProtoField
{
    public const int Dims = 1;
    public const int DataType = 2;
    public const int Name = 8;
    public const int RawData = 9;
}

/// <summary>TensorProto.DataType.</summary>
internal static class TensorDataType
{
    public const int Float = 1;
    public const int UInt8 = 2;
    public const int Int8 = 3;
}

internal static class ValueInfoProtoField
{
    public const int Name = 1;
    public const int Type = 2;
}

internal static class TypeProtoField
{
    public const int TensorType = 1;
    // TypeProto.Tensor
    public const int ElemType = 1;
    public const int Shape = 2;
}

internal static class TensorShapeProtoField
{
    public const int Dim = 1;
    // TensorShapeProto.Dimension
    public const int DimValue = 1;
    public const int DimParam = 2;
}
