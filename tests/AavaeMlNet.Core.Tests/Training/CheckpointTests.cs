using AavaeMlNet.Core.Tests.Io;
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

    [ReadOnlyFolderFact]
    public void A_checkpoint_write_that_fails_leaves_the_previous_last_ckpt_loadable_and_no_temporary_file()
    {
        string path = TrainedCheckpoint(out var epochOneWeights);
        string directory = Path.GetDirectoryName(path)!;
        byte[] before = File.ReadAllBytes(path);
        using var images = Squares(16);
        using var data = new TensorBatchSource(images);
        using var resumed = AavaeTrainer.Resume(path, epochs: 2);
        Assert.True(ReadOnlyFolder.MakeReadOnly(directory));
        Exception error;
        try
        {
            error = Assert.ThrowsAny<Exception>(() => resumed.Fit(data)); // epoch 2's checkpoint cannot be written
        }
        finally
        {
            ReadOnlyFolder.MakeWritable(directory);
        }

        Assert.True(error is UnauthorizedAccessException or IOException, error.ToString());
        Assert.Contains($"Cannot write '{path}'", error.Message);
        Assert.Equal([Checkpoint.LatestFileName], Directory.GetFiles(directory).Select(Path.GetFileName));
        Assert.Equal(before, File.ReadAllBytes(path));
        var (model, header) = Checkpoint.LoadModel(path);
        using (model)
        {
            Assert.Equal(1, header.Epoch);
            var loaded = Weights(model);
            foreach (var name in epochOneWeights.Keys) Assert.Equal(epochOneWeights[name], loaded[name]);
        }
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
        using var expanded = new AavaeModel(TinyConfig() with { ExpandFeatures = 32 });
        error = Assert.Throws<InvalidDataException>(() => Checkpoint.Restore(path, expanded, null, []));
        Assert.Contains("\"ExpandFeatures\":32", error.Message);
        using var lighter = new AavaeModel(TinyConfig() with { DecoderBlocks = 1 });
        error = Assert.Throws<InvalidDataException>(() => Checkpoint.Restore(path, lighter, null, []));
        Assert.Contains("\"DecoderBlocks\":1", error.Message);
    }
}
