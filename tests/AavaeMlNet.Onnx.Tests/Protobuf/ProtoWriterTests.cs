using AavaeMlNet.Onnx.Protobuf;

namespace AavaeMlNet.Onnx.Tests.Protobuf;

public class ProtoWriterTests
{
    private static byte[] Written(Action<ProtoWriter> write)
    {
        using var stream = new MemoryStream();
        write(new ProtoWriter(stream));
        return stream.ToArray();
    }

    [Fact]
    public void Varint_field_matches_the_protobuf_encoding_example()
    {
        // protobuf.dev encoding guide: field 1 = 150 is 08 96 01.
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, Written(w => w.WriteInt64(1, 150)));
    }

    [Fact]
    public void Negative_int64_takes_ten_bytes_of_twos_complement()
    {
        Assert.Equal(
            new byte[] { 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 },
            Written(w => w.WriteInt64(3, -1)));
    }

    [Fact]
    public void Float_is_fixed32_little_endian()
    {
        // 1.0f = 0x3F800000; tag (2 << 3) | 5 = 0x15.
        Assert.Equal(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3F }, Written(w => w.WriteFloat(2, 1.0f)));
    }

    [Fact]
    public void Nested_message_is_prefixed_with_its_length()
    {
        // protobuf.dev encoding guide: field 3 holding a message with field 1 = 150 is 1a 03 08 96 01.
        Assert.Equal(
            new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01 },
            Written(w => w.WriteMessage(3, inner => inner.WriteInt64(1, 150))));
    }

    [Fact]
    public void String_is_length_delimited_utf8()
    {
        // protobuf.dev encoding guide: field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
        Assert.Equal(
            new byte[] { 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67 },
            Written(w => w.WriteString(2, "testing")));
    }
}
