using System.Buffers.Binary;
using System.IO.Compression;

namespace AavaeMlNet.Evaluation.Tests.TestData;

/// <summary>Reads back what the tests need from a PNG: signature, IHDR and (for filter-0 files) the pixels.</summary>
internal static class PngFile
{
    public static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static (int Width, int Height, byte BitDepth, byte ColourType) Header(byte[] png)
    {
        Assert.True(png.Length > 33, "A PNG has at least a signature and an IHDR chunk.");
        Assert.Equal(Signature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)),
            png[24],
            png[25]);
    }

    /// <summary>
    /// Decoded rows of a non-interlaced 8-bit PNG whose rows all use filter 0 (what PngEncoder writes).
    /// </summary>
    public static byte[] Pixels(byte[] png, int channels)
    {
        var (width, height, _, _) = Header(png);
        using var idat = new MemoryStream();
        int offset = 8;
        while (offset < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "IDAT") idat.Write(png, offset + 8, length);
            offset += 12 + length;
        }
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var bytes = raw.ToArray();
        int stride = width * channels;
        Assert.Equal((stride + 1) * height, bytes.Length);
        var pixels = new byte[stride * height];
        for (int row = 0; row < height; row++)
        {
            Assert.Equal(0, bytes[row * (stride + 1)]);
            Array.Copy(bytes, row * (stride + 1) + 1, pixels, row * stride, stride);
        }
        return pixels;
    }
}
