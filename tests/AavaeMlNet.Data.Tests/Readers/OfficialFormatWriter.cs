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

    /// <summary>IDX images (magic 0x803 unless given, count, rows, columns, pixels), optionally gzip'd.</summary>
    public static void WriteIdxImages(string path, int count, int rows, int columns, bool gzip, uint magic = 0x803) =>
        IdxFile.WriteImages(path, count, rows, columns, (r, p) => Pixel(r, 0, p / columns, p % columns), gzip, magic);

    /// <summary>IDX labels (magic 0x801, count, labels), optionally gzip'd.</summary>
    public static void WriteIdxLabels(string path, bool gzip, params byte[] labels) =>
        IdxFile.WriteLabels(path, labels, gzip);

    public static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, level))
        {
            gzip.Write(data);
        }
        return memory.ToArray();
    }
}
