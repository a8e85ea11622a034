using AavaeMlNet.Pixels;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AavaeMlNet.Data.Readers;

/// <summary>
/// The one decoding path from an image to CHW pixels: ML.NET's own transforms, in the order of the README's pipeline.
/// LoadImages -> ResizeImages (ML.NET's default: scale to cover the size, then crop the centre) -> ConvertToGrayscale
/// when one channel is wanted -> ExtractPixels (planes R, G, B, or the red plane of the gray image).
/// <see cref="ImageFolderSource"/> decodes its files through it, and the transformer extracts an image column through
/// <see cref="Extraction"/>, so a file gives the same pixels whichever route it takes.
/// </summary>
public static class ImagePixels
{
    /// <summary>
    /// ConvertToGrayscale (1 channel) and ExtractPixels on a known-size image column: planar CHW, as bytes or as
    /// model input (scaled by <see cref="PixelScale.Factor"/>).
    /// </summary>
    /// <param name="catalog">The catalog of the context the transforms belong to.</param>
    /// <param name="pixelColumn">The pixel vector column made.</param>
    /// <param name="imageColumn">The image column read.</param>
    /// <param name="grayColumn">The temporary gray image column made when <paramref name="channels"/> is 1.</param>
    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <param name="asBytes">Vector&lt;Byte&gt; (stored pixels) rather than Vector&lt;Single&gt; in [0, 1].</param>
    public static IEstimator<ITransformer> Extraction(TransformsCatalog catalog, string pixelColumn,
        string imageColumn, string grayColumn, int channels, bool asBytes)
    {
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 or 3.");
        if (channels == 3)
            return Extract(catalog, pixelColumn, imageColumn, ImagePixelExtractingEstimator.ColorBits.Rgb, asBytes);
        return catalog.ConvertToGrayscale(grayColumn, imageColumn)
            .Append(Extract(catalog, pixelColumn, grayColumn, ImagePixelExtractingEstimator.ColorBits.Red, asBytes));
    }

    private static ImagePixelExtractingEstimator Extract(TransformsCatalog catalog, string pixelColumn,
        string imageColumn, ImagePixelExtractingEstimator.ColorBits colors, bool asBytes) =>
        catalog.ExtractPixels(pixelColumn, imageColumn, colors, ImagePixelExtractingEstimator.ColorsOrder.ARGB,
            interleavePixelColors: false, scaleImage: asBytes ? 1 : PixelScale.Factor, outputAsFloatArray: !asBytes);

    /// <summary>
    /// A decoder of image files to stored CHW pixels through the whole path, one file per call. Not thread-safe:
    /// make one per enumeration.
    /// </summary>
    public static Func<string, byte[]> FileDecoder(int channels, int height, int width)
    {
        var ml = new MLContext();
        var estimator = ml.Transforms.LoadImages("Image", imageFolder: null, nameof(FileRow.Path))
            .Append(ml.Transforms.ResizeImages("Image", width, height))
            .Append(Extraction(ml.Transforms, nameof(PixelsRow.Pixels), "Image", "Gray", channels, asBytes: true));
        var model = estimator.Fit(ml.Data.LoadFromEnumerable(Array.Empty<FileRow>()));
        var engine = ml.Model.CreatePredictionEngine<FileRow, PixelsRow>(model);
        return path => engine.Predict(new FileRow { Path = path }).Pixels;
    }

    private sealed class FileRow
    {
        public string Path { get; set; } = "";
    }

    private sealed class PixelsRow
    {
        public byte[] Pixels { get; set; } = [];
    }
}
