using AavaeMlNet.Evaluation.Io;
using AavaeMlNet.Evaluation.Tests.TestData;

namespace AavaeMlNet.Evaluation.Tests.Io;

public sealed class PngEncoderTests
{
    [Fact]
    public void EncodesSignatureHeaderAndPixelsThatDecodeBack()
    {
        byte[] pixels = [0, 50, 100, 150, 200, 250];

        var png = PngEncoder.Encode(pixels, width: 3, height: 2, channels: 1);

        Assert.Equal((3, 2, (byte)8, (byte)0), PngFile.Header(png));
        Assert.Equal(pixels, PngFile.Pixels(png, 1));
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4));
    }

    [Fact]
    public void HeaderChunkCarriesTheStandardCrc()
    {
        // A 1x1 grayscale 8-bit IHDR has the well-known CRC 0x3A7E9B55.
        var png = PngEncoder.Encode([0], 1, 1, 1);
        Assert.Equal(new byte[] { 0x3A, 0x7E, 0x9B, 0x55 }, png[29..33]);
    }
}
