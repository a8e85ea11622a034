using System.Globalization;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.LabelEfficiency;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Evaluation.Probes;

/// <summary>The outcome of a probe: top-1 accuracy on the test set and the fitted ML.NET model.</summary>
/// <param name="Accuracy">Top-1 accuracy in [0, 1] (ML.NET's micro-accuracy).</param>
/// <param name="Model">
/// The fitted chain (standardization, label mapping, trainer); its input schema has a "Features" vector column of the
/// embedding size and an Int32 "Label" column.
/// </param>
public sealed record ProbeResult(double Accuracy, ITransformer Model)
{
    /// <summary>
    /// The L2 weight of the fitted trainer: the chosen one when <see cref="LinearProbe.Options.L2Candidates"/> were
    /// given, else <see cref="LinearProbe.Options.L2Regularization"/> (null: the trainer's default).
    /// </summary>
    public float? L2Regularization { get; init; }

    /// <summary>
    /// Each candidate L2 weight with its accuracy on the held-out selection part, in the order given; empty without
    /// selection.
    /// </summary>
    public IReadOnlyList<L2Choice> Selection { get; init; } = [];
}

/// <summary>One candidate of the probe's L2 selection and its accuracy on the held-out part.</summary>
public sealed record L2Choice(float L2Regularization, double Accuracy);

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
        /// ML.NET's L-BFGS minimizes (sum of the N losses + weight / 2 * |w|^2) / N, so one weight regularizes less
        /// as N grows.
        /// </summary>
        public float? L2Regularization;

        /// <summary>
        /// L2 weights to choose from, the standard linear evaluation of self-supervised learning: each is fitted on
        /// the training embeddings less a held-out part (<see cref="SelectionPercent"/> of them, stratified and
        /// seeded by <see cref="Seed"/> as a <see cref="LabelSubset"/>), the one with the best held-out accuracy (ties
        /// to the larger weight) is refitted on all training embeddings. The test embeddings are never seen before
        /// the final score. Null or empty: no selection, <see cref="L2Regularization"/> is used. Linear trainers only.
        /// </summary>
        public IReadOnlyList<float>? L2Candidates;

        /// <summary>Percent of the training embeddings held out to choose the L2 weight. Default: 10.</summary>
        public double SelectionPercent = 10;

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
        /// project's 2-core machines (docs/results/history.md). Default: 2.
        /// </summary>
        public int LbfgsThreads = 2;

        /// <summary>Threads for SDCA and FastTree; 1 makes them deterministic. Default: 1.</summary>
        public int NumberOfThreads = 1;

        /// <summary>
        /// A copy of these options with one L2 weight (fixed) or several (chosen by <see cref="L2Candidates"/>); none
        /// keeps these options' weight.
        /// </summary>
        public Options WithL2(IReadOnlyList<float> weights)
        {
            ArgumentNullException.ThrowIfNull(weights);
            var copy = (Options)MemberwiseClone();
            if (weights.Count == 0) return copy;
            copy.L2Regularization = weights.Count == 1 ? weights[0] : null;
            copy.L2Candidates = weights.Count == 1 ? null : [.. weights];
            return copy;
        }

    }

    /// <summary>ML.NET's default L2 weight of L-BFGS maximum entropy, kept when none is set.</summary>
    public const float DefaultLbfgsL2 = 1f;

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
        List<L2Choice> selection = options.L2Candidates is { Count: > 0 } candidates
            ? SelectL2(ml, train, trainLabels, candidates, options)
            : [];
        var fitted = selection.Count == 0
            ? options
            : options.WithL2([selection.OrderByDescending(c => c.Accuracy)
                .ThenByDescending(c => c.L2Regularization).First().L2Regularization]);
        return TrainAndEvaluate(ml, ToDataView(ml, train, trainLabels), ToDataView(ml, test, testLabels),
            FeaturesColumn, LabelColumn, fitted) with { Selection = selection };
    }

    /// <summary>Top-1 accuracy of a fitted probe (<see cref="ProbeResult.Model"/>) on other labelled embeddings.
    /// </summary>
    public static double Score(ProbeResult probe, EmbeddingMatrix embeddings, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var ml = new MLContext(0);
        return ml.MulticlassClassification.Evaluate(probe.Model.Transform(ToDataView(ml, embeddings, labels)),
            LabelColumn).MicroAccuracy;
    }

    /// <summary>
    /// The L2 weight of a fitted probe in words: "L2 1", or with selection "L2 10, chosen on the held-out part from
    /// 0.1 (84.20 %), 1 (85.00 %), 10 (85.40 %)".
    /// </summary>
    public static string DescribeL2(ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        string weight = probe.L2Regularization is { } l2 ? FormatL2(l2) : "the trainer's default";
        return probe.Selection.Count == 0
            ? $"L2 {weight}"
            : $"L2 {weight}, chosen on the held-out part from " +
              string.Join(", ", probe.Selection.Select(c =>
                  $"{FormatL2(c.L2Regularization)} ({c.Accuracy.ToString("P2", CultureInfo.InvariantCulture)})"));
    }

    /// <summary>An L2 weight as the reports write it (4 significant digits, invariant); "" for none.</summary>
    public static string FormatL2(float? weight) => weight?.ToString("G4", CultureInfo.InvariantCulture) ?? "";

    private static List<L2Choice> SelectL2(MLContext ml, EmbeddingMatrix train, IReadOnlyList<int> trainLabels,
        IReadOnlyList<float> candidates, Options options)
    {
        if (options.Trainer == ProbeTrainer.FastTreeOneVersusAll)
            throw new ArgumentException("L2 selection applies to the linear trainers; FastTree has no L2 weight.",
                nameof(options));
        if (candidates.Any(l2 => !(l2 >= 0) || float.IsInfinity(l2)))
            throw new ArgumentOutOfRangeException(nameof(options), string.Join(',', candidates),
                "L2 candidates must be finite and >= 0.");
        if (!(options.SelectionPercent > 0 && options.SelectionPercent < 100))
            throw new ArgumentOutOfRangeException(nameof(options), options.SelectionPercent,
                "SelectionPercent must lie in (0, 100).");
        var heldOut = LabelSubset.Select(trainLabels,
            new LabelBudget(LabelBudgetKind.Percent, options.SelectionPercent), (ulong)options.Seed);
        var isHeldOut = new bool[train.Count];
        foreach (int i in heldOut) isHeldOut[i] = true;
        int[] fit = [.. Enumerable.Range(0, train.Count).Where(i => !isHeldOut[i])];
        var fitClasses = fit.Select(i => trainLabels[i]).ToHashSet();
        if (heldOut.Length == 0 || heldOut.Any(i => !fitClasses.Contains(trainLabels[i])))
            throw new ArgumentException(
                $"L2 selection holds out {options.SelectionPercent}% of the {train.Count:N0} training embeddings " +
                "per class; expected a non-empty held-out part and every held-out class left in the fitted part.",
                nameof(trainLabels));
        var fitView = ToDataView(ml, train.Rows(fit), [.. fit.Select(i => trainLabels[i])]);
        var heldOutView = ToDataView(ml, train.Rows(heldOut), [.. heldOut.Select(i => trainLabels[i])]);
        return [.. candidates.Select(l2 => new L2Choice(l2,
            TrainAndEvaluate(ml, fitView, heldOutView, FeaturesColumn, LabelColumn, options.WithL2([l2])).Accuracy))];
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
        options ??= new Options();
        var model = Estimator(ml, featureColumnName, labelColumnName, options).Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test), labelColumnName);
        return new ProbeResult(metrics.MicroAccuracy, model)
        {
            L2Regularization = options.L2Regularization
                ?? (options.Trainer == ProbeTrainer.LbfgsMaximumEntropy ? DefaultLbfgsL2 : null),
        };
    }

    /// <summary>
    /// The probe as an ML.NET estimator, to append to a pipeline: standardization of the features (fitted on the
    /// training data only), label to key, then the chosen trainer.
    /// </summary>
    public static IEstimator<ITransformer> Estimator(MLContext ml, string featureColumnName, string labelColumnName,
        Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.L2Candidates is { Count: > 0 })
            throw new ArgumentException(
                "L2Candidates choose among several fits on embedding matrices (TrainAndEvaluate with " +
                "EmbeddingMatrix); an estimator is one fit: set L2Regularization instead.", nameof(options));
        return ml.Transforms.NormalizeMeanVariance(featureColumnName)
            .Append(ml.Transforms.Conversion.MapValueToKey(labelColumnName))
            .Append(CreateTrainer(ml, options, featureColumnName, labelColumnName));
    }

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
                L2Regularization = options.L2Regularization ?? DefaultLbfgsL2,
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
