using AavaeMlNet.Evaluation.Analyses;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Tests.TestData;
using Microsoft.ML.Data;

namespace AavaeMlNet.Evaluation.Tests.Plots;

/// <summary>
/// The plots draw with the SkiaSharp that Microsoft.ML.ImageAnalytics binds to (2.88.x); with SkiaSharp 3.x resolved,
/// MLImage.Pixels throws MissingMethodException (SKBitmap.GetPixelSpan), so both must work in one process.
/// </summary>
public sealed class SkiaSharpCoexistenceTests : IDisposable
{
    private readonly TestDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void ChartsAndImageAnalyticsShareOneProcess()
    {
        string path = folder.File("heatmap.png");
        var matrix = SimilarityMatrix.Compute(
            EmbeddingMatrix.FromRows([[1, 0], [0.9f, 0.1f], [0, 1], [0.1f, 0.9f]]), 2, 2);
        SimilarityHeatmapPlot.Write(path, matrix, width: 320, height: 240);

        using var image = MLImage.CreateFromFile(path);
        var pixels = image.Pixels;

        Assert.Equal((320, 240), (image.Width, image.Height));
        Assert.Equal(320 * 240 * 4, pixels.Length);
        Assert.Equal([255, 255, 255, 255], pixels[..4].ToArray()); // the white margin, in BGRA or RGBA alike
    }
}
