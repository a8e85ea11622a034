using Microsoft.ML.Data;

namespace AavaeMlNet.Cli.Tests;

/// <summary>Small data sets written by the tests in the official formats.</summary>
public static class TinyData
{
    public const int Side = 16;
    public const int Classes = 4;

    /// <summary>A fresh directory under the temp folder, kept for the child processes that write into it.</summary>
    public static string NewDirectory(string name) => TestDirectory.New("cli-" + name);

    /// <summary>Pixel of image <paramref name="index"/>: a class-dependent stripe pattern plus noise.</summary>
    public static byte Pixel(int index, int pixel, Random random)
    {
        int label = index % Classes;
        int row = pixel / Side, column = pixel % Side;
        int stripe = (label % 2 == 0 ? row : column) / (2 + label) % 2 == 0 ? 200 : 40;
        return (byte)Math.Clamp(stripe + random.Next(-30, 31), 0, 255);
    }

    /// <summary>Writes gzip'd IDX images and labels (MNIST naming); returns the images path.</summary>
    public static string WriteIdx(string directory, int count, int seed = 1, string prefix = "train")
    {
        var random = new Random(seed);
        string imagesPath = Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz");
        IdxFile.WriteImages(imagesPath, count, Side, Side, (i, p) => Pixel(i, p, random), gzip: true);
        IdxFile.WriteLabels(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"),
            Enumerable.Range(0, count).Select(i => (byte)(i % Classes)).ToArray(), gzip: true);
        return imagesPath;
    }

    /// <summary>Writes a folder with one subfolder of grayscale PNGs per class; returns the folder.</summary>
    public static string WritePngFolder(string directory, int perClass, int seed = 2)
    {
        var random = new Random(seed);
        string root = Path.Combine(directory, "images");
        for (int label = 0; label < Classes; label++)
        {
            string classDirectory = Path.Combine(root, $"class{label}");
            Directory.CreateDirectory(classDirectory);
            for (int k = 0; k < perClass; k++)
            {
                var bgra = new byte[Side * Side * 4];
                for (int p = 0; p < Side * Side; p++)
                {
                    byte v = Pixel(label, p, random);
                    bgra[4 * p] = bgra[4 * p + 1] = bgra[4 * p + 2] = v;
                    bgra[4 * p + 3] = 255;
                }
                using var image = MLImage.CreateFromPixels(Side, Side, MLPixelFormat.Bgra32, bgra);
                image.Save(Path.Combine(classDirectory, $"img{k:D3}.png"));
            }
        }
        return root;
    }
}
