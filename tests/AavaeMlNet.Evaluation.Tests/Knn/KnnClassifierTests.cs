using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Knn;
using AavaeMlNet.Evaluation.Tests.TestData;
using AavaeMlNet.Training;

namespace AavaeMlNet.Evaluation.Tests.Knn;

public sealed class KnnClassifierTests
{
    private static EmbeddingMatrix Points(params float[][] rows) => EmbeddingMatrix.FromRows(rows);

    [Theory]
    [InlineData(200)]
    [InlineData(20)]
    public void SeparableClustersAreClassifiedPerfectly(int k)
    {
        var (train, trainLabels) = SeparableClusters.Create(classes: 5, perClass: 60, dimension: 16, seed: 1);
        var (test, testLabels) = SeparableClusters.Create(classes: 5, perClass: 20, dimension: 16, seed: 2);

        double accuracy = KnnClassifier.Accuracy(train, trainLabels, test, testLabels,
            new KnnClassifier.Options { K = k, BatchSize = 32, Device = DeviceKind.Cpu });

        Assert.Equal(1.0, accuracy);
    }

    [Fact]
    public void OneNearestNeighbourByCosineIsTheHandComputedAnswer()
    {
        var train = Points([1, 0], [0, 1], [-1, 0]);
        int[] trainLabels = [0, 1, 2];
        // Cosine ignores length: (2, 0.1) is nearest to (1, 0); (-1, -0.2) to (-1, 0); (0.1, 0.9) to (0, 1);
        // (0.6, 0.8) has cosine 0.6 with (1, 0) and 0.8 with (0, 1).
        var test = Points([2, 0.1f], [-1, -0.2f], [0.1f, 0.9f], [0.6f, 0.8f]);

        var predicted = KnnClassifier.Predict(train, trainLabels, test,
            new KnnClassifier.Options { K = 1, Device = DeviceKind.Cpu });

        Assert.Equal(new[] { 0, 2, 1, 1 }, predicted);
    }

    [Fact]
    public void WeightedVotingOverrulesTheMajorityWhenOneNeighbourIsMuchCloser()
    {
        // Query (1, 0). Neighbour of class 0 at cosine 1; two of class 1 at cosine cos(80 deg) = 0.174.
        // Weighted (T = 0.07): class 0 gets exp(1 / 0.07) = 1.6e6, class 1 gets 2 exp(0.174 / 0.07) = 24 -> class 0.
        // Majority: class 1 has two votes against one -> class 1.
        float c = (float)Math.Cos(80 * Math.PI / 180), s = (float)Math.Sin(80 * Math.PI / 180);
        var train = Points([1, 0], [c, s], [c, -s]);
        int[] trainLabels = [0, 1, 1];
        var query = Points([1, 0]);

        var weighted = KnnClassifier.Predict(train, trainLabels, query,
            new KnnClassifier.Options
            {
                K = 3,
                Temperature = 0.07,
                Voting = KnnVoting.Weighted,
                Device = DeviceKind.Cpu,
            });
        var majority = KnnClassifier.Predict(train, trainLabels, query,
            new KnnClassifier.Options { K = 3, Voting = KnnVoting.Majority, Device = DeviceKind.Cpu });

        Assert.Equal(0, weighted[0]);
        Assert.Equal(1, majority[0]);
    }

    [Fact]
    public void KLargerThanTheTrainSetUsesEveryTrainEmbedding()
    {
        var train = Points([1, 0], [0, 1]);
        var predicted = KnnClassifier.Predict(train, [0, 1], Points([0.2f, 1]),
            new KnnClassifier.Options { K = 200, Device = DeviceKind.Cpu });
        Assert.Equal(new[] { 1 }, predicted);
    }

    [Fact]
    public void ResultsDoNotDependOnTheQueryBatchSize()
    {
        var (train, trainLabels) = SeparableClusters.Create(3, 20, 4, 8);
        var (test, _) = SeparableClusters.Create(3, 15, 4, 9);
        var whole = KnnClassifier.Predict(train, trainLabels, test,
            new KnnClassifier.Options { K = 7, BatchSize = 1000, Device = DeviceKind.Cpu });
        var batched = KnnClassifier.Predict(train, trainLabels, test,
            new KnnClassifier.Options { K = 7, BatchSize = 4, Device = DeviceKind.Cpu });
        Assert.Equal(whole, batched);
    }
}
