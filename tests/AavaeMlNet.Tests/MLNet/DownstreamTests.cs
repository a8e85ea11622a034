using AavaeMlNet.MLNet;
using AavaeMlNet.Training;
using Microsoft.ML;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;

namespace AavaeMlNet.Tests.MLNet;

public class DownstreamTests
{
    [Fact]
    public void Embeddings_feed_lbfgs_sdca_and_fasttree_well_above_chance()
    {
        var ml = new MLContext(1);
        var train = Load(ml, 180, seed: 1);
        var test = Load(ml, 90, seed: 2);
        using var aavae = ml.Transforms.PretrainAavae(TinyOptions(epochs: 2)).Fit(train);
        var trainEmbedded = aavae.Transform(train);
        var testEmbedded = aavae.Transform(test);
        var trainers = new Dictionary<string, IEstimator<ITransformer>>
        {
            ["lbfgs"] = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Embedding"),
            ["sdca"] = ml.Transforms.NormalizeMeanVariance("Embedding")
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                    "Label", "Embedding", maximumNumberOfIterations: 30)),
            ["fasttree"] = ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.FastTree(
                    "Label", "Embedding", numberOfLeaves: 4, numberOfTrees: 20, minimumExampleCountPerLeaf: 2)),
        };
        foreach (var (name, trainer) in trainers)
        {
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer);
            var model = pipeline.Fit(trainEmbedded);
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testEmbedded));
            Assert.True(metrics.MicroAccuracy > 0.8, $"{name}: accuracy {metrics.MicroAccuracy} (chance 0.33)");
        }
    }

    [Fact]
    public void Cancellation_mid_epoch_leaves_a_checkpoint_that_resumes_to_the_weights_of_an_uninterrupted_fit()
    {
        var ml = new MLContext(1);
        var data = Load(ml, 64); // cached in memory (TinyOptions), batch 32: 2 steps per epoch
        using var straight = ml.Transforms.PretrainAavae(TinyOptions(epochs: 3)).Fit(data);

        string directory = TempDirectory();
        using var cancellation = new CancellationTokenSource();
        var options = TinyOptions(epochs: 3);
        options.CheckpointDirectory = directory;
        options.CancellationToken = cancellation.Token;
        options.ProgressEverySteps = 1;
        options.Progress = p =>
        {
            if (p is { Epoch: 1, StepInEpoch: 1, IsEpochEnd: false }) cancellation.Cancel();
        };
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.PretrainAavae(options).Fit(data));
        string checkpoint = Path.Combine(directory, Checkpoint.LatestFileName);
        var header = Checkpoint.ReadHeader(checkpoint);
        Assert.Equal((1, 1, 3L), (header.Epoch, header.StepInEpoch, header.Step));

        var resume = TinyOptions(epochs: 3);
        resume.ResumeFrom = checkpoint;
        var epochs = new List<int>();
        resume.EpochCompleted = trained => epochs.Add(trained.Epoch);
        using var resumed = ml.Transforms.PretrainAavae(resume).Fit(data);
        Assert.Equal([1, 2], epochs);
        AssertSameWeights(straight.Model, resumed.Model);
    }
}
