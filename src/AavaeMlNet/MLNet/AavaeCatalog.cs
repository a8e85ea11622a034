using Microsoft.ML;

namespace AavaeMlNet.MLNet;

/// <summary>Catalog extension methods that add AAVAE pretraining to ML.NET pipelines.</summary>
public static class AavaeCatalog
{
    /// <summary>
    /// Pretrains an AAVAE encoder on <paramref name="inputColumnName"/> and adds its embedding as
    /// <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Name of the embedding column (Vector&lt;Single&gt;).</param>
    /// <param name="inputColumnName">Image column of known size, or Vector&lt;Single&gt;
    /// of CHW pixels in [0, 1].</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="widthMultiplier">Width multiplier of the ResNet-18 encoder (0.25 suits a CPU).</param>
    public static AavaeEstimator PretrainAavae(this TransformsCatalog catalog, string outputColumnName = "Embedding",
        string inputColumnName = "Image", int epochs = 10, double widthMultiplier = 1.0) =>
        new(catalog, new AavaeEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Epochs = epochs,
            WidthMultiplier = widthMultiplier,
        });

    /// <summary>Pretrains an AAVAE encoder with every setting in <paramref name="options"/>.</summary>
    public static AavaeEstimator PretrainAavae(this TransformsCatalog catalog, AavaeEstimator.Options options) =>
        new(catalog, options);
}
