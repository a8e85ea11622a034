using AavaeMlNet.PyTorch;
using AavaeMlNet.Training;
using Microsoft.ML;

namespace AavaeMlNet.MLNet;

/// <summary>
/// Catalog extension methods: AAVAE pretraining as an estimator of an ML.NET pipeline, and a pretrained model (a
/// checkpoint of this library or of the paper's PyTorch code) as a transformer.
/// </summary>
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

    /// <summary>
    /// A transformer from a TorchSharp checkpoint of this library: the encoder.ckpt written beside a model.zip
    /// (<see cref="AavaeTransformer.SaveCheckpoint"/>) or a run's last.ckpt. It embeds as the fitted transformer did
    /// (same weights, view normalization and representation), and saves, exports and continues pretraining
    /// (<see cref="AavaeEstimator.Options.InitialCheckpoint"/>) alike.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="checkpointPath">The checkpoint file.</param>
    /// <param name="options">The columns; null: "Image" in, "Embedding" out, backbone features.</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="checkpointPath"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this library (the message says why).
    /// </exception>
    public static AavaeTransformer LoadAavaeCheckpoint(this TransformsCatalog catalog, string checkpointPath,
        AavaeLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"Checkpoint '{checkpointPath}' does not exist.", checkpointPath);
        var (model, header) = Checkpoint.LoadModel(checkpointPath);
        return AavaeTransformer.FromModel(catalog, model, header.Augmentation, header.Training,
            options ?? new AavaeLoadOptions());
    }

    /// <summary>
    /// A transformer from a checkpoint of the paper's reference implementation (a Lightning .ckpt or a plain
    /// torch.save state_dict): its encoder and projection head, with the normalization of its data set. The file is
    /// read without running pickled code; names and shapes are checked through <see cref="ReferenceLayout"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="pytorchPath">The checkpoint.</param>
    /// <param name="options">Columns and import settings; files with the reference decoder need
    /// <c>Reference = new() { SkipDecoder = true }</c>.</param>
    public static AavaeTransformer ImportAavaePyTorch(this TransformsCatalog catalog, string pytorchPath,
        PyTorchImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new PyTorchImportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InferenceBatchSize, 1, nameof(options));
        return catalog.ImportAavaePyTorch(ReferenceImporter.Import(pytorchPath, options.Reference), options);
    }

    /// <summary>
    /// A transformer from an import already made (<see cref="ReferenceImporter.Import(string,
    /// ReferenceImportOptions?)"/>, e.g. to show its notes first); it takes ownership of the imported model.
    /// </summary>
    public static AavaeTransformer ImportAavaePyTorch(this TransformsCatalog catalog, ReferenceImport import,
        PyTorchImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(import);
        return AavaeTransformer.FromModel(catalog, import.Model, import.Augmentation, import.Training,
            options ?? new PyTorchImportOptions());
    }
}
