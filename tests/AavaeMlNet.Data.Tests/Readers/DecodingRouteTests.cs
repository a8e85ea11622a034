using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Readers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AavaeMlNet.Data.Tests.Readers;

/// <summary>
/// An image folder read by <see cref="ImageFolderSource"/> gives the pixels of the README's ML.NET pipeline
/// (LoadImages -> ResizeImages -> ConvertToGrayscale for one channel -> ExtractPixels scaled by 1/255), bit for bit,
/// for real PNG and JPEG files of other sizes and aspect ratios than the one asked for.
/// </summary>
public class DecodingRouteTests
{
    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    // Smooth gradients plus a hard edge and texture, so resampling, cropping and JPEG artefacts all show.
    private static (byte R, byte G, byte B) Pattern(int x, int y) =>
        ((byte)(7 * x + 3 * y), (byte)(x * y % 251), (byte)(x < 11 ? 230 : 20 + 9 * y));

    // At the asked size, every byte value once per plane: the 1/255 scaling is compared for all of them.
    private static (byte R, byte G, byte B) AllValues(int x, int y) =>
        ((byte)(16 * y + x), (byte)(255 - 16 * y - x), (byte)(16 * x + y));

    private static List<string> WriteFiles(TestDirectory dir)
    {
        var paths = new List<string>();
        foreach (var (width, height, extension) in new[] { (37, 23, "png"), (23, 37, "jpg"), (16, 16, "png"),
                     (40, 40, "jpeg"), (9, 13, "png") })
        {
            var rgba = new byte[width * height * 4];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    var (r, g, b) = width == 16 ? AllValues(x, y) : Pattern(x, y);
                    int p = 4 * (y * width + x);
                    (rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]) = (r, g, b, 255);
                }
            string path = dir.File($"{paths.Count}-{width}x{height}.{extension}");
            using var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, rgba);
            image.Save(path);
            paths.Add(path);
        }
        return paths;
    }

    // The README's pipeline, written out here independently of the library's own extraction.
    private static float[][] ThroughMlNet(IReadOnlyList<string> paths, int channels, int side)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(paths.Select(p => new PathRow { Path = p }));
        var images = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path")
            .Append(ml.Transforms.ResizeImages("Image", side, side));
        var colors = channels == 3 ? ImagePixelExtractingEstimator.ColorBits.Rgb
            : ImagePixelExtractingEstimator.ColorBits.Red;
        var pixels = channels == 3
            ? images.Append(ml.Transforms.ExtractPixels("Pixels", "Image", colors, scaleImage: 1f / 255))
            : images.Append(ml.Transforms.ConvertToGrayscale("Gray", "Image"))
                .Append(ml.Transforms.ExtractPixels("Pixels", "Gray", colors, scaleImage: 1f / 255));
        return pixels.Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToArray();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void Folder_pixels_equal_the_mlnet_pipeline_bit_for_bit(int channels)
    {
        const int side = 16;
        using var dir = new TestDirectory();
        var paths = WriteFiles(dir);
        var options = new ImageFolderOptions { Width = side, Height = side, Channels = channels };

        var expected = ThroughMlNet(paths, channels, side);
        var actual = new ImageFolderSource(dir.Path, options).ToDataView().GetColumn<float[]>("Image").ToArray();

        Assert.Equal(paths.Count, actual.Length);
        for (int i = 0; i < paths.Count; i++)
        {
            Assert.Equal(channels * side * side, actual[i].Length);
            Assert.True(expected[i].SequenceEqual(actual[i]), $"{Path.GetFileName(paths[i])} differs between routes");
        }
        // Not a trivial agreement: the files hold distinct, non-constant pixels after resizing.
        Assert.True(actual.Select(a => a.Distinct().Count()).Min() > 10);
    }
}
