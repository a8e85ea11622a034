using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Evaluation.Tests.TestData;
using Microsoft.ML.Data;

namespace AavaeMlNet.Evaluation.Tests.Probes;

public sealed class LinearProbeTests
{
    [Theory]
    [InlineData(ProbeTrainer.LbfgsMaximumEntropy)]
    [InlineData(ProbeTrainer.SdcaMaximumEntropy)]
    [InlineData(ProbeTrainer.FastTreeOneVersusAll)]
    public void SeparableClustersAreClassifiedPerfectly(ProbeTrainer trainer)
    {
        var (train, trainLabels) = SeparableClusters.Create(classes: 4, perClass: 30, dimension: 8, seed: 1);
        var (test, testLabels) = SeparableClusters.Create(classes: 4, perClass: 20, dimension: 8, seed: 2);

        var result = LinearProbe.TrainAndEvaluate(train, trainLabels, test, testLabels,
            new LinearProbe.Options { Trainer = trainer });

        Assert.Equal(1.0, result.Accuracy);
        Assert.NotNull(result.Model);
    }

    [Fact]
    public void LbfgsOnTwoThreadsGivesTheSameModelOnEveryRun()
    {
        // Noise of std 4 against centres 5 apart: the classes overlap, so the fit stops where the optimizer converges,
        // and a different summation order would show in the scores.
        var (train, trainLabels) = SeparableClusters.Create(classes: 4, perClass: 300, dimension: 16, seed: 3,
            noise: 4);
        var (test, testLabels) = SeparableClusters.Create(classes: 4, perClass: 50, dimension: 16, seed: 4,
            noise: 4);
        var options = new LinearProbe.Options { LbfgsThreads = 2 };
        float[][] Scores()
        {
            var ml = new Microsoft.ML.MLContext(0);
            var result = LinearProbe.TrainAndEvaluate(train, trainLabels, test, testLabels, options);
            Assert.InRange(result.Accuracy, 0.5, 0.99);
            return [.. result.Model.Transform(LinearProbe.ToDataView(ml, test, testLabels))
                .GetColumn<float[]>("Score")];
        }
        Assert.Equal(Scores(), Scores());
    }

    [Fact]
    public void DataViewCarriesTheEmbeddingSizeChosenAtRunTime()
    {
        var embeddings = new EmbeddingMatrix([1, 2, 3, 4, 5, 6], count: 2, dimension: 3);

        var view = LinearProbe.ToDataView(new Microsoft.ML.MLContext(0), embeddings, [0, 1]);

        var type = Assert.IsType<VectorDataViewType>(view.Schema["Features"].Type);
        Assert.Equal(3, type.Size);
        Assert.Equal(new[] { 4f, 5f, 6f }, view.GetColumn<float[]>("Features").ElementAt(1));
    }

    [Fact]
    public void TestEmbeddingsOfAnotherSizeAreASchemaMismatch()
    {
        var (train, trainLabels) = SeparableClusters.Create(2, 5, 4, 1);
        var (test, testLabels) = SeparableClusters.Create(2, 5, 3, 1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => LinearProbe.TrainAndEvaluate(train, trainLabels, test, testLabels));

        Assert.Contains("Schema mismatch for input column 'Features'", error.Message);
    }
}
