using AavaeMlNet.Evaluation.Analyses;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Tests.TestData;
using SkiaSharp;

namespace AavaeMlNet.Evaluation.Tests.Plots;

public sealed class PlotTests : IDisposable
{
    private readonly TestDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        var header = PngFile.Header(bytes);
        Assert.Equal((width, height), (header.Width, header.Height));
    }

    [Fact]
    public void LossCurveIsAPngOfTheRequestedSize()
    {
        string path = folder.File("loss.png");
        LossCurvePlot.Write(path, [(0, 3.0), (10, 2.0), (20, 1.5), (30, 1.4)], width: 640, height: 400);
        AssertPng(path, 640, 400);
    }

    [Fact]
    public void SimilarityHeatmapIsAPngOfTheRequestedSize()
    {
        string path = folder.File("similarity.png");
        var matrix = SimilarityMatrix.Compute(EmbeddingMatrix.FromRows([[1, 0], [1, 0.1f], [0, 1], [0.1f, 1]]), 2, 2);
        SimilarityHeatmapPlot.Write(path, matrix, width: 500, height: 420);
        AssertPng(path, 500, 420);
    }

    [Fact]
    public void EmbeddingScatterIsAPngOfTheRequestedSize()
    {
        string path = folder.File("scatter.png");
        EmbeddingScatterPlot.Write(path, [[0, 0], [1, 1], [2, 0], [3, 1]], [0, 1, 0, 1], ["t-shirt", "trouser"],
            width: 600, height: 500);
        AssertPng(path, 600, 500);
    }

    [Fact]
    public void LabelEfficiencyPlotDrawsEachSeriesInItsColourOnALogAxis()
    {
        string path = folder.File("label-efficiency.png");
        LabelEfficiencyPlot.Write(path,
        [
            ("AAVAE", [(100, 0.70), (1000, 0.80), (10000, 0.85)]),
            ("raw pixels", [(100, 0.60), (1000, 0.78), (10000, 0.84)]),
        ], width: 700, height: 450);

        AssertPng(path, 700, 450);
        using var bitmap = SKBitmap.Decode(path);
        var colours = Enumerable.Range(0, bitmap.Width)
            .SelectMany(x => Enumerable.Range(0, bitmap.Height).Select(y => bitmap.GetPixel(x, y))).ToHashSet();
        Assert.Contains(ChartColours.Category(0), colours);
        Assert.Contains(ChartColours.Category(1), colours);
        Assert.Throws<ArgumentException>(() => LabelEfficiencyPlot.Write(path, [("empty", [])]));
        Assert.Throws<ArgumentException>(() => LabelEfficiencyPlot.Write(path, [("zero", [(0, 0.5)])]));
    }

    [Fact]
    public void AccuracyBarsAreAPngOfTheRequestedSize()
    {
        string path = folder.File("accuracy.png");
        AccuracyBarPlot.Write(path, [("raw pixels", 0.842), ("AAVAE linear", 0.87), ("AAVAE kNN", 0.85)],
            width: 720, height: 480);
        AssertPng(path, 720, 480);
    }

    [Fact]
    public void SimilarityHeatmapDrawsRowZeroAtTheTopOnTheFixedViridisScale()
    {
        string path = folder.File("rows.png");
        // Two opposite images, one view each: [[1, -1], [-1, 1]]. Flipped rows would put -1 at the top left.
        var matrix = SimilarityMatrix.Compute(EmbeddingMatrix.FromRows([[1, 0], [-1, 0]]), 2, 1);
        SimilarityHeatmapPlot.Write(path, matrix, width: 500, height: 420);

        using var bitmap = SKBitmap.Decode(path);
        using var frame = new ChartCanvas(500, 420);
        var area = frame.Area;
        // (0, 0) = +1
        Assert.Equal(new SKColor(0xFD, 0xE7, 0x25), bitmap.GetPixel((int)area.Left + 10, (int)area.Top + 10));
        // (1, 0) = -1
        Assert.Equal(new SKColor(0x44, 0x01, 0x54), bitmap.GetPixel((int)area.Left + 10, (int)area.Bottom - 10));
    }

    [Fact]
    public void AccuracyBarsAreFilledUpToTheirValue()
    {
        string path = folder.File("bars.png");
        AccuracyBarPlot.Write(path, [("a", 0.40), ("b", 0.90)], width: 600, height: 400);

        using var bitmap = SKBitmap.Decode(path);
        using var frame = new ChartCanvas(600, 400);
        frame.SetLimits(-0.5, 1.5, 0, 105);
        var firstColour = ChartColours.Category(0);
        Assert.Equal(firstColour, bitmap.GetPixel((int)frame.PixelX(0), (int)frame.PixelY(30)));
        Assert.Equal(SKColors.White, bitmap.GetPixel((int)frame.PixelX(0), (int)frame.PixelY(50)));
        Assert.Equal(ChartColours.Category(1), bitmap.GetPixel((int)frame.PixelX(1), (int)frame.PixelY(80)));
    }

    [Fact]
    public void EmbeddingScatterColoursPointsByLabel()
    {
        string path = folder.File("classes.png");
        EmbeddingScatterPlot.Write(path, [[0, 0], [10, 10]], [0, 3], ["zero", "three"], width: 600, height: 500);

        using var bitmap = SKBitmap.Decode(path);
        // Limits are the data range padded by 5%; the legend leaves the data area narrower than a bare frame, so the
        // points are found by colour rather than position.
        var colours = Enumerable.Range(0, bitmap.Width)
            .SelectMany(x => Enumerable.Range(0, bitmap.Height).Select(y => bitmap.GetPixel(x, y)))
            .ToHashSet();
        Assert.Contains(ChartColours.Category(0), colours);
        Assert.Contains(ChartColours.Category(3), colours);
        Assert.DoesNotContain(ChartColours.Category(1), colours);
    }

    [Fact]
    public void ReconstructionGridPutsOriginalsAboveReconstructions()
    {
        string path = folder.File("grid.png");
        // Two 1x2x2 grayscale images at scale 2: originals white / mid-gray, reconstructions black / white.
        float[] white = [1, 1, 1, 1], gray = [0.5f, 0.5f, 0.5f, 0.5f], black = [0, 0, 0, 0];

        ReconstructionGrid.Write(path, [white, gray], [black, white], channels: 1, height: 2, width: 2, scale: 2);

        var (width, height) = ReconstructionGrid.Size(2, 2, 2, 2);
        Assert.Equal((2 * 4 + 3 * 2, 2 * 4 + 3 * 2), (width, height));
        var png = File.ReadAllBytes(path);
        var header = PngFile.Header(png);
        Assert.Equal((width, height, (byte)8, (byte)0), header);
        var pixels = PngFile.Pixels(png, channels: 1);
        byte At(int x, int y) => pixels[y * width + x];
        Assert.Equal(255, At(2, 2));   // first original
        Assert.Equal(128, At(8, 2));   // second original (0.5 * 255 rounded)
        Assert.Equal(0, At(2, 8));     // first reconstruction starts at 2 * gap + 4
        Assert.Equal(255, At(8, 8));   // second reconstruction
        Assert.Equal(255, At(0, 0));   // white border
    }

    [Fact]
    public void RgbReconstructionGridIsTruecolour()
    {
        string path = folder.File("rgb.png");
        var red = new float[3 * 4 * 4];
        Array.Fill(red, 1f, 0, 16);

        ReconstructionGrid.Write(path, [red], [red], channels: 3, height: 4, width: 4);

        var png = File.ReadAllBytes(path);
        var (width, _) = ReconstructionGrid.Size(1, 4, 4, 1);
        Assert.Equal((byte)2, PngFile.Header(png).ColourType);
        var pixels = PngFile.Pixels(png, channels: 3);
        int offset = (3 * width + 3) * 3;
        Assert.Equal(new byte[] { 255, 0, 0 }, pixels[offset..(offset + 3)]);
    }

    [Fact]
    public void ImageGridLaysOutRaggedRowsAndNamesAnImageOfTheWrongSize()
    {
        string path = folder.File("neighbours.png");
        float[] black = [0, 0, 0, 0], white = [1, 1, 1, 1];
        // A query with two neighbours, then a query with one: the missing cell stays white.
        ImageGrid.Write(path, [[black, black, black], [black, black]], channels: 1, height: 2, width: 2);

        var (width, height) = ImageGrid.Size(2, 3, 2, 2, 1);
        Assert.Equal((3 * 2 + 4 * 2, 2 * 2 + 3 * 2), (width, height));
        var pixels = PngFile.Pixels(File.ReadAllBytes(path), channels: 1);
        byte At(int x, int y) => pixels[y * width + x];
        Assert.Equal(0, At(10, 2));    // row 0, column 2
        Assert.Equal(0, At(6, 6));     // row 1, column 1
        Assert.Equal(255, At(10, 6));  // row 1 has no column 2
        Assert.Equal(255, At(4, 2));   // the gap between columns 0 and 1

        var error = Assert.Throws<ArgumentException>(() =>
            ImageGrid.Write(path, [[white], [white, new float[3]]], channels: 1, height: 2, width: 2));
        Assert.StartsWith("Image 1 of row 1: expected 1x2x2 = 4 values, got 3.", error.Message);
    }
}
