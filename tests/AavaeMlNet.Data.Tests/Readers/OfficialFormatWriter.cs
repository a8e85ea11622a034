using System.Buffers.Binary;
using System.IO.Compression;

namespace AavaeMlNet.Data.Tests.Readers;

/// <summary>Writes tiny files in the official binary formats, with pixel values that encode their position.</summary>
public static class OfficialFormatWriter
{
    /// <summary>The test pattern: a value that differs between channels, rows, columns and records.</summary>
    public static byte Pixel(int record, int channel, int row, int column) =>
        (byte)((record * 7 + channel * 50 + row * 3 + column * 11) % 256);

    /// <summary>CIFAR-10 binary: per record a label byte then the R, G, B planes row-major.</summary>
    public static void WriteCifar(string path, int firstRecord, params byte[] labels)
    {
        using var stream = File.Create(path);
        for (int r = 0; r < labels.Length; r++)
        {
            stream.WriteByte(labels[r]);
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < 32; y++)
                {
                    for (int x = 0; x < 32; x++)
                    {
                        stream.WriteByte(Pixel(firstRecord + r, c, y, x));
                    }
                }
            }
        }
    }

    /// <summary>
    /// STL-10 _X.bin: each plane column-major (the byte after (row y, column x) is (row y+1, column x)).
    /// </summary>
    public static void WriteStlImages(string path, int records)
    {
        using var stream = File.Create(path);
        for (int r = 0; r < records; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int x = 0; x < 96; x++)
                {
                    for (int y = 0; y < 96; y++)
                    {
                        stream.WriteByte(Pixel(r, c, y, x));
                    }
                }
            }
        }
    }

    /// <summary>IDX images (magic 0x803, count, rows, columns, pixels), optionally gzip'd.</summary>
    public static void WriteIdxImages(string path, int count, int rows, int columns, bool gzip, uint magic = 0x803)
    {
        var bytes = new List<byte>();
        bytes.AddRange(BigEndian(magic));
        bytes.AddRange(BigEndian((uint)count));
        bytes.AddRange(BigEndian((uint)rows));
        bytes.AddRange(BigEndian((uint)columns));
        for (int r = 0; r < count; r++)
        {
            for (int y = 0; y < rows; y++)
            {
                for (int x = 0; x < columns; x++)
                {
                    bytes.Add(Pixel(r, 0, y, x));
                }
            }
        }
        Write(path, bytes.ToArray(), gzip);
    }

    /// <summary>IDX labels (magic 0x801, count, labels), optionally gzip'd.</summary>
    public static void WriteIdxLabels(string path, bool gzip, params byte[] labels)
    {
        var bytes = new List<byte>();
        bytes.AddRange(BigEndian(0x801));
        bytes.AddRange(BigEndian((uint)labels.Length));
        bytes.AddRange(labels);
        Write(path, bytes.ToArray(), gzip);
    }

    public static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, level))
        {
            gzip.Write(data);
        }
        return memory.ToArray();
    }

    private static void Write(string path, byte[] data, bool gzip) =>
        File.WriteAllBytes(path, gzip ? Gzip(data) : data);

    private static byte[] BigEndian(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }
}
