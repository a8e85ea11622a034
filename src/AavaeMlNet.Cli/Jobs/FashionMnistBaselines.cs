using AavaeMlNet.Data.Readers;
using AavaeMlNet.Data.Splits;
using AavaeMlNet.Evaluation.Baselines;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Knn;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Evaluation.Reports;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// The baselines of the Fashion-MNIST jobs (raw pixels, ML.NET's ImageNet featurizer), scored on the jobs' own
/// probe-train and test images (as <see cref="FashionMnistSplits.ProbeTrain"/>: file order) with their probe, label
/// budgets and kNN. Where the cache holds a featurizer's features of the whole train file (as `aavae evaluate` on it
/// leaves them), the probe-train rows are taken from them.
/// </summary>
internal static class FashionMnistBaselines
{
    private static readonly (int, int, int) Shape = (1, 28, 28);

    public static IReadOnlyList<RepresentationScore> Score(IReadOnlyList<string> baselines, FashionMnistSplits data,
        int probeTrainImages, IReadOnlyList<LabelBudget> labels, LinearProbe.Options probe, ulong labelSeed,
        IReadOnlyList<int> knn, string cacheDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        if (baselines.Count == 0) return [];
        int[] subset = [.. data.PretrainIndices.Take(probeTrainImages).Order()];
        var train = LabelledPixels.Read(data.TrainSource.Subset(subset));
        var test = LabelledPixels.Read(data.TestSource);
        int[] trainLabels = train.Labels;
        var cache = new FeatureCache(cacheDirectory);
        var scores = new List<RepresentationScore>();
        foreach (string id in baselines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var featurizer = BaselineFeaturizer.Create(id);
            try
            {
                var trainFeatures = FromWholeFile(cache, featurizer, data.TrainSource, subset, log)
                    ?? cache.GetOrCompute(featurizer, train.Pixels, train.Count, Shape, log.WriteLine,
                        cancellationToken);
                var testFeatures = cache.GetOrCompute(featurizer, test.Pixels, test.Count, Shape, log.WriteLine,
                    cancellationToken);
                double? rate = featurizer is RawPixels
                    ? null
                    : featurizer.MeasureThroughput(test.Pixels, test.Count, Shape,
                        cancellationToken: cancellationToken);
                var fitted = LinearProbe.TrainAndEvaluate(trainFeatures, trainLabels, testFeatures, test.Labels,
                    probe);
                var curve = LabelEfficiencyProbe.Run(trainFeatures, trainLabels, testFeatures, test.Labels, labels,
                    probe, labelSeed, cancellationToken);
                var neighbours = knn.Select(k => (k, KnnClassifier.Accuracy(trainFeatures, trainLabels, testFeatures,
                    test.Labels, new KnnClassifier.Options { K = k }, cancellationToken))).ToList();
                log.WriteLine($"{featurizer.Name}: {fitted.Accuracy:P2} ({LinearProbe.DescribeL2(fitted)})" +
                    string.Concat(curve.Select(p => $", {p.Budget} labels {p.Accuracy:P2}")) +
                    (rate is { } r ? $"; {r:N1} images/s" : ""));
                scores.Add(new RepresentationScore(featurizer.Name, trainFeatures.Dimension, featurizer.ModelBytes,
                    rate, fitted.Accuracy, curve, neighbours) { ProbeL2 = fitted.L2Regularization, Id = id });
            }
            finally
            {
                (featurizer as IDisposable)?.Dispose();
            }
        }
        return scores;
    }

    private static EmbeddingMatrix? FromWholeFile(FeatureCache cache, BaselineFeaturizer featurizer,
        ImageSource trainFile, int[] subset, TextWriter log)
    {
        if (!featurizer.IsWorthCaching) return null;
        var all = LabelledPixels.Read(trainFile);
        if (!cache.TryGet(featurizer, all.Pixels, all.Count, Shape, out var features)) return null;
        log.WriteLine($"{featurizer.Name}: the {subset.Length:N0} probe-train rows taken from the cached features " +
            $"of all {all.Count:N0} train images.");
        return features.Rows(subset);
    }
}
