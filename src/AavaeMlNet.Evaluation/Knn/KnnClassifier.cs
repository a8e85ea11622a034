using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Training;
using static TorchSharp.torch;

namespace AavaeMlNet.Evaluation.Knn;

/// <summary>
/// The weighted k-nearest-neighbour classifier of self-supervised benchmarks (Wu et al. 2018, "InstDisc"; Caron et al.
/// 2021, "DINO"): embeddings are L2-normalized, similarity is the cosine, the k most similar train embeddings vote with
/// weight exp(similarity / T). Queries run in batches as one matrix product each; a tie between classes goes to the
/// lowest class index.
/// </summary>
public static class KnnClassifier
{
    /// <summary>Settings for <see cref="KnnClassifier"/>.</summary>
    public sealed class Options
    {
        /// <summary>Neighbours that vote. Default: 200 (InstDisc); DINO also reports 20.</summary>
        public int K = 200;

        /// <summary>
        /// Temperature T of the vote weights exp(sim / T). Default: 0.07, the value of InstDisc and of DINO's kNN
        /// evaluation (0.1 is the other common choice; with k = 200 the two differ by a fraction of a point).
        /// </summary>
        public double Temperature = 0.07;

        /// <summary>Weighted (default) or majority voting.</summary>
        public KnnVoting Voting = KnnVoting.Weighted;

        /// <summary>
        /// Queries per matrix product; bounds memory at BatchSize x train count floats. Default: 1024.
        /// </summary>
        public int BatchSize = 1024;

        /// <summary>Where the products run. Default: Auto (CUDA when available).</summary>
        public DeviceKind Device = DeviceKind.Auto;
    }

    /// <summary>Top-1 accuracy in [0, 1] of <see cref="Predict"/> against <paramref name="testLabels"/>.</summary>
    public static double Accuracy(EmbeddingMatrix train, IReadOnlyList<int> trainLabels, EmbeddingMatrix test,
        IReadOnlyList<int> testLabels, Options? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        test.CheckLabels(testLabels, nameof(testLabels));
        var predicted = Predict(train, trainLabels, test, options, cancellationToken);
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == testLabels[i]) correct++;
        return predicted.Length == 0 ? 0 : (double)correct / predicted.Length;
    }

    /// <summary>The class each test embedding gets from its k nearest train embeddings.</summary>
    public static int[] Predict(EmbeddingMatrix train, IReadOnlyList<int> trainLabels, EmbeddingMatrix test,
        Options? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        train.CheckLabels(trainLabels, nameof(trainLabels));
        options ??= new Options();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.K);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        if (!(options.Temperature > 0))
            throw new ArgumentOutOfRangeException(
                nameof(options), options.Temperature, "The kNN temperature must be positive.");
        if (train.Count == 0) throw new ArgumentException("Expected at least one train embedding.", nameof(train));
        if (test.Dimension != train.Dimension)
            throw new ArgumentException(
                $"Test embeddings have {test.Dimension} dimensions; train embeddings have {train.Dimension}.",
                nameof(test));

        var device = ComputeDevice.Resolve(options.Device);
        int k = Math.Min(options.K, train.Count);
        int classes = trainLabels.Max() + 1;
        var predictions = new int[test.Count];

        using var outer = NewDisposeScope();
        var bank = Normalize(train.ToTensor().to(device));
        var bankLabels = tensor(trainLabels.Select(l => (long)l).ToArray(), dtype: ScalarType.Int64, device: device);
        var queries = test.ToTensor().to(device);
        using var _ = no_grad();
        for (int start = 0; start < test.Count; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int count = Math.Min(options.BatchSize, test.Count - start);
            var similarity = Normalize(queries.narrow(0, start, count)).matmul(bank.t());
            var (topSimilarity, topIndex) = similarity.topk(k, dim: 1, largest: true, sorted: true);
            var weights = options.Voting == KnnVoting.Weighted
                ? (topSimilarity / options.Temperature).exp()
                : ones_like(topSimilarity);
            var neighbourLabels = bankLabels[topIndex];
            var votes = zeros([count, classes], dtype: weights.dtype, device: device)
                .scatter_add_(1, neighbourLabels, weights);
            var winners = votes.argmax(1).to(ScalarType.Int32).cpu();
            winners.data<int>().CopyTo(predictions, start);
        }
        return predictions;
    }

    /// <summary>Rows scaled to unit L2 norm (zero rows stay zero). Shape: (N, d) -> (N, d).</summary>
    private static Tensor Normalize(Tensor rows) => nn.functional.normalize(rows, p: 2, dim: 1, eps: 1e-12);
}
