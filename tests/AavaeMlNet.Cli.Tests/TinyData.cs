using Microsoft.ML.Data;

namespace AavaeMlNet.Cli.Tests;

/// <summary>Small data sets written by the tests in the official formats.</summary>
public static class TinyData
{
    public const int Side = 16;
    public const int Classes = 4;

    /// <summary>
    /// Embedding size of the tiny models the tests train (width 0.125, no expansion, the recipe's 2x2 grid): h = 64,
    /// then 4 regions of the third (32 channels) and last (64) stages.
    /// </summary>
    public const int EmbeddingSize = 64 + 4 * (32 + 64);

    /// <summary>A fresh directory under the temp folder, kept for the child processes that write into it.</summary>
    public static string NewDirectory(string name) => TestDirectory.New("cli-" + name);

    /// <summary>Pixel of image <paramref name="index"/>: a class-dependent stripe pattern plus noise.</summary>
    public static byte Pixel(int index, int pixel, Random random, int side = Side)
    {
        int label = index % Classes;
        int row = pixel / side, column = pixel % side;
        int stripe = (label % 2 == 0 ? row : column) / (2 + label) % 2 == 0 ? 200 : 40;
        return (byte)Math.Clamp(stripe + random.Next(-30, 31), 0, 255);
    }

    /// <summary>Writes gzip'd IDX images of <paramref name="side"/> squared pixels and labels (MNIST naming); returns
    /// the images path.</summary>
    public static string WriteIdx(string directory, int count, int seed = 1, string prefix = "train", int side = Side)
    {
        var random = new Random(seed);
        string imagesPath = Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz");
        IdxFile.WriteImages(imagesPath, count, side, side, (i, p) => Pixel(i, p, random, side), gzip: true);
        IdxFile.WriteLabels(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"),
            Enumerable.Range(0, count).Select(i => (byte)(i % Classes)).ToArray(), gzip: true);
        return imagesPath;
    }

    /// <summary>
    /// Writes "tiny.json": a manifest of the IDX pair <see cref="WriteIdx"/> wrote as <paramref name="images"/> (format
    /// idx, 1x16x16, the four classes), its downloads at an address that does not resolve (a test gives a mirror), its
    /// sizes and SHA-256, a "train" subset and a 48/16 pretrain/validation split, normalization 0.5/0.25. Returns its
    /// path.
    /// </summary>
    public static string WriteManifest(string directory, string images, int count)
    {
        string labels = images.Replace("-images-idx3-", "-labels-idx1-", StringComparison.Ordinal);
        string Name(string path) => Path.GetFileName(path);
        string Sizes(string path) => $"\"size\": {new FileInfo(path).Length}, \"sha256\": \"" +
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))) + "\"";
        string Download(string path) =>
            $"{{ \"url\": \"http://data.invalid/tiny/{Name(path)}\", \"fileName\": \"{Name(path)}\", " +
            $"{Sizes(path)}, \"extract\": \"none\" }}";
        string Listed(string path) => $"{{ \"path\": \"{Name(path)}\", {Sizes(path)} }}";
        string json = $$"""
            {
              "name": "tiny", "format": "idx", "image": { "channels": 1, "height": {{Side}}, "width": {{Side}} },
              "classNames": ["zero", "one", "two", "three"],
              "downloads": [{{Download(images)}}, {{Download(labels)}}],
              "files": [{{Listed(images)}}, {{Listed(labels)}}],
              "subsets": [{ "name": "train", "count": {{count}}, "files": ["{{Name(images)}}", "{{Name(labels)}}"] }],
              "splits": [{ "subset": "train", "seed": 1,
                "parts": [{ "name": "pretrain", "count": {{count * 3 / 4}} },
                  { "name": "validation", "count": {{count / 4}} }] }],
              "normalization": { "mean": [0.5], "std": [0.25] },
              "augmentationPreset": "grayscale"
            }
            """;
        string path = Path.Combine(directory, "tiny.json");
        File.WriteAllText(path, json);
        return path;
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
