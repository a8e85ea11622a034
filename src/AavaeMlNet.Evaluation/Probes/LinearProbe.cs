using AavaeMlNet.Evaluation.Embeddings;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Evaluation.Probes;

/// <summary>The outcome of a probe: top-1 accuracy on the test set and the fitted ML.NET model.</summary>
/// <param name="Accuracy">Top-1 accuracy in [0, 1] (ML.NET's micro-accuracy).</param>
/// <param name="Model">
/// The fitted chain (standardization, label mapping, trainer); its input schema has a "Features" vector column of the
/// embedding size and an Int32 "Label" column.
/// </param>
public sealed record ProbeResult(double Accuracy, ITransformer Model);

/// <summary>
/// A classifier trained through ML.NET on frozen embeddings: standardize each feature (mean/variance fitted on the
/// train set only), map the labels to keys, then fit <see cref="ProbeTrainer"/>.
/// <list type="table">
/// <item><term>Input</term><description><see cref="EmbeddingMatrix"/> and Int32 labels 0..C-1</description></item>
/// <item><term>Columns</term><description>"Features": Vector&lt;Single&gt; of the embedding size; "Label": Int32
/// mapped to a key</description></item>
/// <item><term>Package</term><description>Microsoft.ML (+ Microsoft.ML.FastTree for the
/// tree trainer)</description></item>
/// <item><term>Exportable to ONNX</term><description>yes for the linear trainers</description></item>
/// </list>
/// This is the quick linear evaluation; the paper's own protocol (SGD, 90 epochs,
/// augmentation) is <see cref="PaperProbe"/>.
/// </summary>
public static class LinearProbe
{
    /// <summary>Settings for <see cref="LinearProbe"/>.</summary>
    public sealed class Options
    {
        /// <summary>The trainer. Default: L-BFGS maximum entropy.</summary>
        public ProbeTrainer Trainer = ProbeTrainer.LbfgsMaximumEntropy;

        /// <summary>
        /// L2 weight for the linear trainers; null keeps ML.NET's default (L-BFGS 1, SDCA chosen from the data).
        /// </summary>
        public float? L2Regularization;

        /// <summary>Maximum passes over the data for SDCA; null keeps ML.NET's default.</summary>
        public int? MaximumNumberOfIterations;

        /// <summary>Trees per binary classifier for FastTree. Default: 100 (ML.NET's default).</summary>
        public int NumberOfTrees = 100;

        /// <summary>Leaves per tree for FastTree. Default: 20 (ML.NET's default).</summary>
        public int NumberOfLeaves = 20;

        /// <summary>Seed of the <see cref="MLContext"/>. Default: 0.</summary>
        public int Seed;

        /// <summary>
        /// Threads for L-BFGS. It splits the gradient over one fixed chunk of the data per thread, so a given count
        /// gives the same model on every run; the count is fixed rather than taken from the machine so that a probe's
        /// digits do not depend on where it ran. Two threads fit the main job's probes 2.5x faster than one on this
        /// project's 2-core machines (README). Default: 2.
        /// </summary>
        public int LbfgsThreads = 2;

        /// <summary>Threads for SDCA and FastTree; 1 makes them deterministic. Default: 1.</summary>
        public int NumberOfThreads = 1;
    }

    private const string FeaturesColumn = "Features";
    private const string LabelColumn = "Label";

    /// <summary>
    /// Fits on the train embeddings with the default options and reports top-1 accuracy on the test embeddings.
    /// </summary>
    public static ProbeResult TrainAndEvaluate(EmbeddingMatrix train, IReadOnlyList<int> trainLabels,
        EmbeddingMatrix test, IReadOnlyList<int> testLabels) =>
        TrainAndEvaluate(train, trainLabels, test, testLabels, new Options());

    /// <summary>Fits on the train embeddings and reports top-1 accuracy on the test embeddings.</summary>
    public static ProbeResult TrainAndEvaluate(EmbeddingMatrix train, IReadOnlyList<int> trainLabels,
        EmbeddingMatrix test, IReadOnlyList<int> testLabels, Options options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        train.CheckLabels(trainLabels, nameof(trainLabels));
        test.CheckLabels(testLabels, nameof(testLabels));
        if (test.Dimension != train.Dimension)
            throw new ArgumentOutOfRangeException(nameof(test),
                $"Schema mismatch for input column '{FeaturesColumn}': " +
                $"expected Vector<Single, {train.Dimension}>, got Vector<Single, {test.Dimension}>.");

        var ml = new MLContext(options.Seed);
        return TrainAndEvaluate(ml, ToDataView(ml, train, trainLabels), ToDataView(ml, test, testLabels),
            FeaturesColumn, LabelColumn, options);
    }

    /// <summary>
    /// The probe on ML.NET views: fits <see cref="Estimator"/> on <paramref name="train"/> and returns
    /// the top-1 accuracy on <paramref name="test"/> with the fitted model (which maps the feature
    /// column to PredictedLabel and Score).
    /// </summary>
    public static ProbeResult TrainAndEvaluate(MLContext ml, IDataView train, IDataView test, string featureColumnName,
        string labelColumnName, Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var model = Estimator(ml, featureColumnName, labelColumnName, options ?? new Options()).Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test), labelColumnName);
        return new ProbeResult(metrics.MicroAccuracy, model);
    }

    /// <summary>
    /// The probe as an ML.NET estimator, to append to a pipeline: standardization of the features (fitted on the
    /// training data only), label to key, then the chosen trainer.
    /// </summary>
    public static IEstimator<ITransformer> Estimator(MLContext ml, string featureColumnName, string labelColumnName,
        Options options) =>
        ml.Transforms.NormalizeMeanVariance(featureColumnName)
            .Append(ml.Transforms.Conversion.MapValueToKey(labelColumnName))
            .Append(CreateTrainer(ml, options, featureColumnName, labelColumnName));

    /// <summary>
    /// An IDataView of (Features, Label) rows whose feature vector size is set at run time from the embeddings.
    /// </summary>
    public static IDataView ToDataView(MLContext ml, EmbeddingMatrix embeddings, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(embeddings);
        embeddings.CheckLabels(labels, nameof(labels));
        var schema = SchemaDefinition.Create(typeof(EmbeddingRow));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, embeddings.Dimension);
        var rows = Enumerable.Range(0, embeddings.Count)
            .Select(i => new EmbeddingRow { Features = embeddings.Row(i).ToArray(), Label = labels[i] });
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private static IEstimator<ITransformer> CreateTrainer(MLContext ml, Options options, string featureColumnName,
        string labelColumnName) => options.Trainer switch
    {
        ProbeTrainer.LbfgsMaximumEntropy => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
            new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = labelColumnName,
                FeatureColumnName = featureColumnName,
                L2Regularization = options.L2Regularization ?? 1f,
                NumberOfThreads = options.LbfgsThreads,
                MaximumNumberOfIterations = options.MaximumNumberOfIterations ?? int.MaxValue,
            }),
        ProbeTrainer.SdcaMaximumEntropy => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
            new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = labelColumnName,
                FeatureColumnName = featureColumnName,
                L2Regularization = options.L2Regularization,
                MaximumNumberOfIterations = options.MaximumNumberOfIterations,
                NumberOfThreads = options.NumberOfThreads,
            }),
        ProbeTrainer.FastTreeOneVersusAll => ml.MulticlassClassification.Trainers.OneVersusAll(
            ml.BinaryClassification.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer.Options
            {
                LabelColumnName = labelColumnName,
                FeatureColumnName = featureColumnName,
                NumberOfTrees = options.NumberOfTrees,
                NumberOfLeaves = options.NumberOfLeaves,
                NumberOfThreads = options.NumberOfThreads,
            }), labelColumnName),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Trainer,
            "Unknown probe trainer: expected LbfgsMaximumEntropy, SdcaMaximumEntropy or FastTreeOneVersusAll."),
    };

    private sealed class EmbeddingRow
    {
        public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }
}
