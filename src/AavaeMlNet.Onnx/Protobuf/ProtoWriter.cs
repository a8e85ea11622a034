using System.Buffers.Binary;
using System.Text;

namespace AavaeMlNet.Onnx.Protobuf;

/// <summary>
/// The part of the protocol-buffer wire format that an ONNX model needs: varint, 32-bit and length-delimited
/// fields (https://protobuf.dev/programming-guides/encoding/). Fields are written in call order; nested messages
/// are built in a buffer first because their length prefix must precede them.
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private readonly Stream output;

    public ProtoWriter(Stream output) => this.output = output;

    /// <summary>An int32/int64/enum field. Negative values take ten bytes, as int64 does on the wire.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireVarint);
        WriteVarint((ulong)value);
    }

    /// <summary>A float field (fixed32, little-endian).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        output.Write(bytes);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)value.Length);
        output.Write(value);
    }

    /// <summary>A nested message whose fields <paramref name="writeBody"/> writes.</summary>
    public void WriteMessage(int field, Action<ProtoWriter> writeBody)
    {
        using var buffer = new MemoryStream();
        writeBody(new ProtoWriter(buffer));
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)buffer.Length);
        buffer.Position = 0;
        buffer.CopyTo(output);
    }

    private void WriteTag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }
}
