using AavaeMlNet.Data.Readers;
using Microsoft.ML;

namespace AavaeMlNet.MLNet;

/// <summary>
/// The one path from the input column to CHW pixel vectors in [0, 1], used for training, in-process embedding and
/// the saved model alike: for an image column, ML.NET's own ExtractPixels (planar, scaled by 1/255; grayscale
/// through ConvertToGrayscale) as <see cref="ImagePixels.Extraction"/> builds it for image folders too; for a vector
/// column, the column itself.
/// </summary>
internal static class PixelColumns
{
    /// <summary>Name of the temporary pixel column made from an image column.</summary>
    public static string PixelColumnName(string outputColumnName) => $"{outputColumnName}.Pixels";

    /// <summary>Name of the temporary grayscale image column.</summary>
    public static string GrayColumnName(string outputColumnName) => $"{outputColumnName}.Gray";

    /// <summary>Columns the pixel estimator adds, which the embedding step hides again.</summary>
    public static string[] TemporaryColumns(ImageColumn input, string outputColumnName) =>
        input.Kind == ImageColumnKind.Vector ? []
        : input.Channels == 1 ? [GrayColumnName(outputColumnName), PixelColumnName(outputColumnName)]
        : [PixelColumnName(outputColumnName)];

    /// <summary>The column that holds the pixel vectors after <see cref="Estimator"/>.</summary>
    public static string SourceColumn(ImageColumn input, string outputColumnName) =>
        input.Kind == ImageColumnKind.Vector ? input.ColumnName : PixelColumnName(outputColumnName);

    /// <summary>The ML.NET estimator that extracts pixels from an image column, or null for a vector column.</summary>
    public static IEstimator<ITransformer>? Estimator(
        TransformsCatalog catalog, ImageColumn input, string outputColumnName)
    {
        if (input.Kind == ImageColumnKind.Vector) return null;
        return ImagePixels.Extraction(catalog, PixelColumnName(outputColumnName), input.ColumnName,
            GrayColumnName(outputColumnName), input.Channels, asBytes: false);
    }
}
