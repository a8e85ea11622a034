using System.Buffers.Binary;
using System.IO.Compression;

namespace AavaeMlNet.TestSupport;

/// <summary>Writes files in the IDX format of MNIST and Fashion-MNIST (big-endian header), optionally gzip'd.</summary>
public static class IdxFile
{
    /// <summary>
    /// Images: magic (0x803 unless a test asks for a wrong one), count, rows, columns, then the pixels of each image
    /// row-major; <paramref name="pixel"/> is called with (image, offset in the image) in file order.
    /// </summary>
    public static void WriteImages(string path, int count, int rows, int columns, Func<int, int, byte> pixel,
        bool gzip, uint magic = 0x803)
    {
        int length = rows * columns;
        var bytes = new byte[16 + (long)count * length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)count);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)rows);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), (uint)columns);
        for (int i = 0; i < count; i++)
            for (int p = 0; p < length; p++)
                bytes[16 + (long)i * length + p] = pixel(i, p);
        Write(path, bytes, gzip);
    }

    /// <summary>Labels: magic 0x801, count, then one byte per label.</summary>
    public static void WriteLabels(string path, IReadOnlyList<byte> labels, bool gzip)
    {
        var bytes = new byte[8 + labels.Count];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)labels.Count);
        for (int i = 0; i < labels.Count; i++)
            bytes[8 + i] = labels[i];
        Write(path, bytes, gzip);
    }

    private static void Write(string path, byte[] bytes, bool gzip)
    {
        using var file = File.Create(path);
        if (!gzip)
        {
            file.Write(bytes);
            return;
        }
        using var compressed = new GZipStream(file, CompressionLevel.Fastest);
        compressed.Write(bytes);
    }
}
