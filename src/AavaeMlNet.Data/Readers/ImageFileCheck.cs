using System.Buffers.Binary;

namespace AavaeMlNet.Data.Readers;

/// <summary>
/// Checks that a file's bytes are a whole PNG or JPEG before decoding. The decoder behind ML.NET's MLImage (SkiaSharp)
/// decodes a truncated PNG or JPEG without an error, filling the missing rows, so a cut-off file would otherwise
/// become a silently wrong image.
/// </summary>
public static class ImageFileCheck
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>What is wrong with <paramref name="bytes"/> as a PNG or JPEG file, or null when nothing is.</summary>
    public static string? Problem(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature)) return PngProblem(bytes);
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return JpegProblem(bytes);
        string start = Convert.ToHexString(bytes[..Math.Min(4, bytes.Length)]);
        return bytes.Length == 0 ? "the file is empty" : $"not a PNG or JPEG file (it starts with bytes {start})";
    }

    // Walks the chunk headers (length, type, data, CRC) up to IEND.
    private static string? PngProblem(ReadOnlySpan<byte> bytes)
    {
        long offset = PngSignature.Length;
        while (offset + 8 <= bytes.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[(int)offset..]);
            bool end = bytes.Slice((int)offset + 4, 4).SequenceEqual("IEND"u8);
            offset += 12L + length;
            if (offset > bytes.Length) break;
            if (end) return null;
        }
        return $"the PNG ends at byte {bytes.Length} before its IEND chunk (a truncated file)";
    }

    // Entropy-coded data stuffs every 0xFF with 0x00, so FF D9 occurs only as the end-of-image marker.
    private static string? JpegProblem(ReadOnlySpan<byte> bytes) =>
        bytes[2..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) >= 0
            ? null
            : $"the JPEG ends at byte {bytes.Length} before its end-of-image marker (a truncated file)";
}
