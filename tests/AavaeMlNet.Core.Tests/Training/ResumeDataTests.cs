using AavaeMlNet.Training;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>A checkpoint records its training data; a resume on other data is refused or, when allowed, announced.
/// </summary>
public class ResumeDataTests
{
    // One epoch of 16 squares (two steps of 8); returns last.ckpt and, through midEpoch, the checkpoint after step 1.
    private static string TrainedOneEpoch(out string midEpoch)
    {
        string directory = TempDirectory();
        string mid = Path.Combine(directory, "mid.ckpt");
        using var images = Squares(16);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation,
            Options(directory, epochs: 1) with { CheckpointEverySteps = 1 });
        trainer.CheckpointSaved += saved =>
        {
            if (saved is { Epoch: 0, StepInEpoch: 1 }) File.Copy(saved.Path, mid);
        };
        trainer.Fit(data);
        midEpoch = mid;
        return Path.Combine(directory, Checkpoint.LatestFileName);
    }

    [Fact]
    public void A_checkpoint_records_the_count_shape_and_first_images_of_its_data()
    {
        string path = TrainedOneEpoch(out _);
        using var images = Squares(16);
        using var data = new TensorBatchSource(images);

        var recorded = Checkpoint.ReadHeader(path).Data;

        Assert.Equal(data.Fingerprint, recorded);
        Assert.Equal((16L, 1, 16, 16), (recorded!.Count, recorded.Channels, recorded.Height, recorded.Width));
        Assert.Empty(data.Fingerprint.DifferencesFrom(recorded));
    }

    [Fact]
    public void A_resume_on_other_data_is_refused_naming_each_difference_and_leaves_the_checkpoint_as_it_was()
    {
        string path = TrainedOneEpoch(out _);
        byte[] before = File.ReadAllBytes(path);
        // Squares(24) begins with the same 16 images as Squares(16): only the count differs.
        using var more = Squares(24);
        using var moreData = new TensorBatchSource(more);
        using var other = Squares(16, seed: 1);
        using var otherData = new TensorBatchSource(other);

        using var first = AavaeTrainer.Resume(path, epochs: 2);
        var moreError = Assert.Throws<InvalidOperationException>(() => first.Fit(moreData));
        using var second = AavaeTrainer.Resume(path, epochs: 2);
        var otherError = Assert.Throws<InvalidOperationException>(() => second.Fit(otherData));

        Assert.Equal($"Checkpoint '{Path.GetFullPath(path)}' was written for other training data: 24 images where " +
            "the checkpoint's run had 16. Resume on the data it was trained on, or set ResumeOnOtherData to " +
            "continue its weights, optimizer state and schedule on this data from the start of an epoch.",
            moreError.Message);
        Assert.Contains("training data: other pixels in the first 16 images (another folder, subset or order).",
            otherError.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Resume_on_other_data_when_allowed_warns_and_starts_the_next_epoch_from_its_first_batch()
    {
        TrainedOneEpoch(out string midEpoch);
        Assert.Equal((0, 1, 1L), (Checkpoint.ReadHeader(midEpoch).Epoch, Checkpoint.ReadHeader(midEpoch).StepInEpoch,
            Checkpoint.ReadHeader(midEpoch).Step));
        using var other = Squares(16, seed: 1);
        using var otherData = new TensorBatchSource(other);
        using var resumed = AavaeTrainer.Resume(midEpoch, epochs: 2);
        resumed.ResumeOnOtherData = true;
        var warnings = new List<string>();
        resumed.Warning += warnings.Add;

        resumed.Fit(otherData);

        // Epoch 1's second step is skipped; epoch 2 runs both of its steps on the new data.
        Assert.Equal((2, 3L), (resumed.Epoch, resumed.Step));
        Assert.Contains(warnings, w => w.StartsWith(
            $"Continuing the run of checkpoint '{Path.GetFullPath(midEpoch)}' on other training data (other pixels " +
            "in the first 16 images (another folder, subset or order)): its weights, optimizer state, 1 steps and " +
            "schedule carry on from the start of epoch 2.",
            StringComparison.Ordinal));
        Assert.Equal(otherData.Fingerprint, Checkpoint.ReadHeader(resumed.LastCheckpoint!).Data);
    }
}
