using Microsoft.ML.Data;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>Writes the synthetic images as real PNG files (20x20, RGB or grey) for LoadImages pipelines.</summary>
internal static class ImageFiles
{
    public sealed class PathRow
    {
        public string Path { get; set; } = "";
        public float Label { get; set; }
    }

    public static List<PathRow> Write(string directory, int count, int seed, bool colour)
    {
        var random = new Random(seed);
        var rows = new List<PathRow>();
        for (int i = 0; i < count; i++)
        {
            int label = i % 3;
            var grey = SyntheticImages.Render(label, random);
            const int side = 20;
            var bgra = new byte[side * side * 4];
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    float v = grey[Math.Min(15, y * 16 / side) * 16 + Math.Min(15, x * 16 / side)];
                    byte b = (byte)(v * 255);
                    int o = (y * side + x) * 4;
                    bgra[o] = colour ? (byte)(255 - b) : b;
                    bgra[o + 1] = b;
                    bgra[o + 2] = colour && label == 1 ? (byte)255 : b;
                    bgra[o + 3] = 255;
                }
            string path = System.IO.Path.Combine(directory, $"img{i:D3}.png");
            using var image = MLImage.CreateFromPixels(side, side, MLPixelFormat.Bgra32, bgra);
            image.Save(path);
            rows.Add(new PathRow { Path = path, Label = label });
        }
        return rows;
    }
}
