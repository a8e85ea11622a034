using AavaeMlNet.Training;
using Microsoft.ML;

namespace AavaeMlNet.MLNet;

/// <summary>Catalog extension methods that add AAVAE pretraining to ML.NET pipelines.</summary>
public static class AavaeCatalog
{
    /// <summary>
    /// Pretrains an AAVAE encoder on <paramref name="inputColumnName"/> for <paramref name="timeBudget"/> and adds its
    /// embedding as <paramref name="outputColumnName"/>. Every other setting is the recipe's
    /// (<see cref="AavaeSettings.Recipe"/>): on the CPU the one measured on two cores, chosen from the images and the
    /// budget and printed in the run's header.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Name of the embedding column (Vector&lt;Single&gt;).</param>
    /// <param name="inputColumnName">Image column of known size, or Vector&lt;Single&gt;
    /// of CHW pixels in [0, 1].</param>
    /// <param name="timeBudget">Wall-time budget of pretraining (<see cref="AavaeSettings.TimeBudget"/>); null: the
    /// recipe's (10 minutes on the CPU).</param>
    public static AavaeEstimator PretrainAavae(this TransformsCatalog catalog, string outputColumnName = "Embedding",
        string inputColumnName = "Image", TimeSpan? timeBudget = null) =>
        new(catalog, new AavaeEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            TimeBudget = timeBudget,
        });

    /// <summary>Pretrains an AAVAE encoder with every setting in <paramref name="options"/>.</summary>
    public static AavaeEstimator PretrainAavae(this TransformsCatalog catalog, AavaeEstimator.Options options) =>
        new(catalog, options);
}
