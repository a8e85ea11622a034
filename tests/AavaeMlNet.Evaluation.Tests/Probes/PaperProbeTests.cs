using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Evaluation.Tests.TestData;
using AavaeMlNet.Training;
using static TorchSharp.torch;

namespace AavaeMlNet.Evaluation.Tests.Probes;

public sealed class PaperProbeTests
{
    [Theory]
    [InlineData(128, 0.05)]
    [InlineData(256, 0.1)]
    [InlineData(512, 0.2)]
    [InlineData(64, 0.025)]
    public void LearningRateIsPointOneTimesBatchOver256InFloatingPoint(int batchSize, double expected) =>
        Assert.Equal(expected, PaperProbe.LearningRate(batchSize), precision: 12);

    [Fact]
    public void CosineDecayStartsAtTheBaseRateAndHalvesAtMidTraining()
    {
        Assert.Equal(0.1, PaperProbe.LearningRateAt(0, 90, 0.1), precision: 12);
        Assert.Equal(0.05, PaperProbe.LearningRateAt(45, 90, 0.1), precision: 12);
        Assert.Equal(
            0.1 * 0.5 * (1 + Math.Cos(Math.PI * 89 / 90)), PaperProbe.LearningRateAt(89, 90, 0.1), precision: 12);
    }

    [Fact]
    public void SeparableClustersAreClassifiedPerfectlyFromPrecomputedFeatures()
    {
        var (train, trainLabels) = SeparableClusters.Create(classes: 3, perClass: 40, dimension: 6, seed: 3);
        var (test, testLabels) = SeparableClusters.Create(classes: 3, perClass: 20, dimension: 6, seed: 4);

        using var result = PaperProbe.TrainAndEvaluate(train, trainLabels, test, testLabels,
            new PaperProbe.Options { Epochs = 20, BatchSize = 32, Device = DeviceKind.Cpu });

        Assert.Equal(1.0, result.Accuracy);
        Assert.Equal(20, result.EpochLosses.Count);
        Assert.True(result.EpochLosses[^1] < result.EpochLosses[0], "The training loss falls.");
    }

    [Fact]
    public void ImageOverloadAugmentsAndClassifiesSeparableImages()
    {
        // Class c lights channel c (features one-hot of scale 1, so the rate is raised above 0.1 * 8 / 256); the
        // feature function (per-channel mean) is unaffected by crops of a constant image.
        static (Tensor Images, int[] Labels) Images(int perClass)
        {
            var labels = Enumerable.Range(0, 3 * perClass).Select(i => i % 3).ToArray();
            var images = zeros(labels.Length, 3, 8, 8);
            for (int i = 0; i < labels.Length; i++) images[i, labels[i]] = ones(8, 8);
            return (images, labels);
        }
        var (train, trainLabels) = Images(10);
        var (test, testLabels) = Images(5);
        int calls = 0;

        Tensor Features(Tensor images)
        {
            calls++;
            return images.mean([2L, 3L]);
        }
        using var result = PaperProbe.TrainAndEvaluate(Features, train, trainLabels, test, testLabels,
            new PaperProbe.Options
            {
                Epochs = 15,
                BatchSize = 8,
                BaseLearningRate = 1.0,
                Device = DeviceKind.Cpu,
            });

        Assert.Equal(1.0, result.Accuracy);
        Assert.True(calls > 15, "Features are recomputed from augmented images every epoch.");
    }

    [Fact]
    public void SameSeedGivesTheSameProbe()
    {
        var (train, trainLabels) = SeparableClusters.Create(3, 10, 4, 5);
        var options = new PaperProbe.Options { Epochs = 3, BatchSize = 8, Device = DeviceKind.Cpu, Seed = 7 };

        using var first = PaperProbe.TrainAndEvaluate(train, trainLabels, train, trainLabels, options);
        using var second = PaperProbe.TrainAndEvaluate(train, trainLabels, train, trainLabels, options);

        Assert.Equal(first.EpochLosses, second.EpochLosses);
    }
}
