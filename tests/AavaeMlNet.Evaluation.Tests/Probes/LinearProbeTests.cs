using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.LabelEfficiency;
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

public sealed class LinearProbeL2SelectionTests
{
    // Overlapping clusters: the fits do not all reach 100 %.
    private static readonly (EmbeddingMatrix Embeddings, int[] Labels) Train =
        SeparableClusters.Create(classes: 4, perClass: 100, dimension: 16, seed: 5, noise: 4);
    private static readonly (EmbeddingMatrix Embeddings, int[] Labels) Test =
        SeparableClusters.Create(classes: 4, perClass: 50, dimension: 16, seed: 6, noise: 4);

    [Fact]
    public void EachCandidateIsScoredOnTheStratifiedHeldOutPartAndTheBestIsRefittedOnAllTrainingEmbeddings()
    {
        float[] candidates = [0.001f, 30f, 3000f];
        var options = new LinearProbe.Options { L2Candidates = candidates, SelectionPercent = 20, Seed = 3 };

        var result = LinearProbe.TrainAndEvaluate(Train.Embeddings, Train.Labels, Test.Embeddings, Test.Labels,
            options);

        // The held-out part, recomputed: 20 % of each class's 100 images, as LabelSubset selects them for seed 3.
        int[] heldOut = LabelSubset.Select(Train.Labels, new LabelBudget(LabelBudgetKind.Percent, 20), 3);
        Assert.Equal(80, heldOut.Length);
        Assert.All(Enumerable.Range(0, 4), c => Assert.Equal(20, heldOut.Count(i => Train.Labels[i] == c)));
        int[] fit = [.. Enumerable.Range(0, Train.Labels.Length).Except(heldOut)];
        var expected = candidates.Select(l2 => LinearProbe.TrainAndEvaluate(Train.Embeddings.Rows(fit),
            [.. fit.Select(i => Train.Labels[i])], Train.Embeddings.Rows(heldOut),
            [.. heldOut.Select(i => Train.Labels[i])], new LinearProbe.Options { L2Regularization = l2 }).Accuracy);
        Assert.Equal(candidates, result.Selection.Select(c => c.L2Regularization));
        Assert.Equal(expected, result.Selection.Select(c => c.Accuracy));
        var best = result.Selection.OrderByDescending(c => c.Accuracy).ThenByDescending(c => c.L2Regularization)
            .First();
        Assert.Equal(best.L2Regularization, result.L2Regularization);
        var refit = LinearProbe.TrainAndEvaluate(Train.Embeddings, Train.Labels, Test.Embeddings, Test.Labels,
            new LinearProbe.Options { L2Regularization = best.L2Regularization });
        Assert.Equal(refit.Accuracy, result.Accuracy);
        Assert.Contains($"L2 {best.L2Regularization:G4}, chosen on the held-out part from 0.001 (",
            LinearProbe.DescribeL2(result));
    }

    [Fact]
    public void EqualHeldOutAccuraciesChooseTheLargerWeight()
    {
        var (train, trainLabels) = SeparableClusters.Create(classes: 4, perClass: 30, dimension: 8, seed: 1);
        var (test, testLabels) = SeparableClusters.Create(classes: 4, perClass: 20, dimension: 8, seed: 2);

        var result = LinearProbe.TrainAndEvaluate(train, trainLabels, test, testLabels,
            new LinearProbe.Options { L2Candidates = [0.01f, 1f, 0.1f] });

        Assert.All(result.Selection, c => Assert.Equal(1.0, c.Accuracy)); // well separated: every weight is perfect
        Assert.Equal(1f, result.L2Regularization);
    }

    [Fact]
    public void WithoutCandidatesTheResultNamesTheWeightItUsed()
    {
        var (train, trainLabels) = SeparableClusters.Create(2, 10, 4, 1);

        var lbfgs = LinearProbe.TrainAndEvaluate(train, trainLabels, train, trainLabels);
        var fixedWeight = LinearProbe.TrainAndEvaluate(train, trainLabels, train, trainLabels,
            new LinearProbe.Options().WithL2([0.5f]));
        var sdca = LinearProbe.TrainAndEvaluate(train, trainLabels, train, trainLabels,
            new LinearProbe.Options { Trainer = ProbeTrainer.SdcaMaximumEntropy });

        Assert.Equal(LinearProbe.DefaultLbfgsL2, lbfgs.L2Regularization);
        Assert.Equal(0.5f, fixedWeight.L2Regularization);
        Assert.Null(sdca.L2Regularization); // SDCA chooses its own from the data
        Assert.Empty(lbfgs.Selection);
        Assert.Equal("L2 1", LinearProbe.DescribeL2(lbfgs));
        Assert.Equal("L2 the trainer's default", LinearProbe.DescribeL2(sdca));
    }

    [Fact]
    public void WithL2SetsOneFixedWeightOrSeveralCandidatesAndKeepsTheRest()
    {
        var options = new LinearProbe.Options { Trainer = ProbeTrainer.SdcaMaximumEntropy, L2Regularization = 2 };

        var none = options.WithL2([]);
        var one = options.WithL2([3f]);
        var several = options.WithL2([3f, 4f]);

        Assert.Equal((2f, (IReadOnlyList<float>?)null), (none.L2Regularization, none.L2Candidates));
        Assert.Equal((3f, (IReadOnlyList<float>?)null), (one.L2Regularization, one.L2Candidates));
        Assert.Null(several.L2Regularization);
        Assert.Equal([3f, 4f], several.L2Candidates!);
        Assert.All([none, one, several], o => Assert.Equal(ProbeTrainer.SdcaMaximumEntropy, o.Trainer));
        Assert.Equal(2f, options.L2Regularization); // a copy: the original is untouched
    }

    [Fact]
    public void ScoreGivesTheFittedProbesAccuracyOnOtherEmbeddings()
    {
        var result = LinearProbe.TrainAndEvaluate(Train.Embeddings, Train.Labels, Test.Embeddings, Test.Labels);

        Assert.Equal(result.Accuracy, LinearProbe.Score(result, Test.Embeddings, Test.Labels));
        Assert.InRange(LinearProbe.Score(result, Train.Embeddings, Train.Labels), 0.5, 1.0);
    }

    [Fact]
    public void BadSelectionSettingsAreRefusedWithTheirReason()
    {
        var (train, trainLabels) = SeparableClusters.Create(2, 10, 4, 1);
        Exception Refused(LinearProbe.Options options) => Assert.ThrowsAny<ArgumentException>(
            () => LinearProbe.TrainAndEvaluate(train, trainLabels, train, trainLabels, options));

        Assert.Contains("finite and >= 0", Refused(new LinearProbe.Options { L2Candidates = [1f, -1f] }).Message);
        Assert.Contains("finite and >= 0", Refused(new LinearProbe.Options { L2Candidates = [float.NaN] }).Message);
        Assert.Contains("SelectionPercent must lie in (0, 100)",
            Refused(new LinearProbe.Options { L2Candidates = [1f, 2f], SelectionPercent = 100 }).Message);
        Assert.Contains("FastTree has no L2 weight", Refused(new LinearProbe.Options
        {
            Trainer = ProbeTrainer.FastTreeOneVersusAll, L2Candidates = [1f, 2f],
        }).Message);
        // One image per class, half held out: class 0 would be held out whole and missing from the fit.
        var pair = new EmbeddingMatrix([0, 1, 1, 0], count: 2, dimension: 2);
        var tiny = Assert.Throws<ArgumentException>(() => LinearProbe.TrainAndEvaluate(pair, [0, 1], pair, [0, 1],
            new LinearProbe.Options { L2Candidates = [1f, 2f], SelectionPercent = 50 }));
        Assert.Contains("holds out 50% of the 2 training embeddings", tiny.Message);
        var estimator = Assert.Throws<ArgumentException>(() => LinearProbe.Estimator(new Microsoft.ML.MLContext(0),
            "Features", "Label", new LinearProbe.Options { L2Candidates = [1f, 2f] }));
        Assert.Contains("set L2Regularization instead", estimator.Message);
    }
}
