using AavaeMlNet.Model;
using AavaeMlNet.Training;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;

namespace AavaeMlNet.Core.Tests.Training;

public class CheckpointTests
{
    private static string TrainedCheckpoint() => TrainedCheckpoint(out _);

    // The trainer's in-memory weights at the end of the run are what the checkpoint must hold.
    private static string TrainedCheckpoint(out Dictionary<string, float[]> trainedWeights)
    {
        string directory = TempDirectory();
        using var images = Squares(16);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Options(directory, epochs: 1));
        trainer.Fit(data);
        trainedWeights = Weights(trainer.Model);
        return Path.Combine(directory, Checkpoint.LatestFileName);
    }

    [Fact]
    public void A_checkpoint_loads_into_a_model_with_the_trainers_weights_and_config()
    {
        string path = TrainedCheckpoint(out var trainedWeights);
        var (model, header) = Checkpoint.LoadModel(path);
        using (model)
        {
            Assert.Equal(TinyConfig(), header.Config);
            Assert.Equal(1, header.Epoch);
            Assert.Equal(0, header.StepInEpoch);
            var loaded = Weights(model);
            Assert.Equal(trainedWeights.Keys, loaded.Keys);
            foreach (var name in trainedWeights.Keys) Assert.Equal(trainedWeights[name], loaded[name]);
        }
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void Truncated_checkpoint_is_reported_as_invalid_data_naming_the_file()
    {
        string path = TrainedCheckpoint();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 20)]);
        using var model = new AavaeModel(TinyConfig());
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Restore(path, model, null, []));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_named_in_the_error()
    {
        string path = Path.Combine(TempDirectory(), "not.ckpt");
        File.WriteAllText(path, "hello, this is not a checkpoint");
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadHeader(path));
        Assert.Contains("is not an AavaeMlNet checkpoint", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Architecture_mismatch_is_reported_before_loading_weights()
    {
        string path = TrainedCheckpoint();
        using var other = new AavaeModel(TinyConfig() with { LatentDim = 16 });
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Restore(path, other, null, []));
        Assert.Contains("does not match", error.Message);
    }
}
