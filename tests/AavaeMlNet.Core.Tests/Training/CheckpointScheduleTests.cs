using AavaeMlNet.Training;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>Checkpoints by steps and by time inside an epoch, and saves that fail.</summary>
public class CheckpointScheduleTests
{
    [Fact]
    public void Steps_schedule_writes_mid_epoch_checkpoints_at_multiples_of_the_step_count()
    {
        using var images = Squares(40); // 5 steps per epoch
        using var data = new TensorBatchSource(images);
        var options = Options(TempDirectory()) with { CheckpointEverySteps = 3, CheckpointEvery = null };
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options);
        var saved = new List<(int, int, long)>();
        trainer.CheckpointSaved += c => saved.Add((c.Epoch, c.StepInEpoch, c.Step));
        trainer.Fit(data);
        // Steps 3, 6 and 9 by the schedule; 5 and 10 at the ends of the epochs.
        Assert.Equal([(0, 3, 3L), (1, 0, 5L), (1, 1, 6L), (1, 4, 9L), (2, 0, 10L)], saved);
    }

    [Fact]
    public void Time_schedule_writes_after_every_step_once_its_interval_has_passed()
    {
        using var images = Squares(40);
        using var data = new TensorBatchSource(images);
        var options = Options(TempDirectory()) with { CheckpointEvery = TimeSpan.FromTicks(1) };
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options);
        var saved = new List<long>();
        trainer.CheckpointSaved += c => saved.Add(c.Step);
        trainer.Fit(data);
        Assert.Equal(Enumerable.Range(1, 10).Select(s => (long)s), saved);
    }

    [Fact]
    public void A_mid_epoch_checkpoint_resumes_to_the_same_weights_as_an_uninterrupted_run()
    {
        using var images = Squares(40);
        using var data = new TensorBatchSource(images);
        string directory = TempDirectory(), copy = Path.Combine(TempDirectory(), "step-7.ckpt");
        var options = Options(directory, epochs: 3) with { CheckpointEverySteps = 7, CheckpointEvery = null };
        using var straight = new AavaeTrainer(TinyConfig(), Augmentation, options);
        straight.CheckpointSaved += c => { if (c.Step == 7) File.Copy(c.Path, copy); };
        straight.Fit(data);

        var header = Checkpoint.ReadHeader(copy);
        Assert.Equal((1, 2, 7L), (header.Epoch, header.StepInEpoch, header.Step));
        using var resumed = AavaeTrainer.Resume(copy);
        resumed.Fit(data);
        Assert.Equal(15, resumed.Step);
        AssertSameWeights(straight.Model, resumed.Model);
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_last_good_checkpoint_and_no_temporary_file()
    {
        string directory = TempDirectory();
        using var images = Squares(16);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Options(directory, epochs: 1));
        trainer.Fit(data);
        string last = Path.Combine(directory, Checkpoint.LatestFileName);
        byte[] good = File.ReadAllBytes(last);
        var header = Checkpoint.ReadHeader(last) with { Step = 99 };

        // The header is already in the file when the generator states fail to come (as a full disk would fail).
        var error =
            Assert.Throws<IOException>(() => Checkpoint.Save(last, header, trainer.Model, null, FailingStates()));

        Assert.Equal("No space left on device", error.Message);
        Assert.Equal(good, File.ReadAllBytes(last));
        Assert.Equal([Checkpoint.LatestFileName], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Checkpoint_intervals_must_be_positive()
    {
        var time = Assert.Throws<ArgumentOutOfRangeException>(
            () => (Options(null) with { CheckpointEvery = TimeSpan.Zero }).Validate());
        var steps = Assert.Throws<ArgumentOutOfRangeException>(
            () => (Options(null) with { CheckpointEverySteps = 0 }).Validate());
        Assert.Equal(("CheckpointEvery", "CheckpointEverySteps"), (time.ParamName, steps.ParamName));
        Assert.StartsWith("CheckpointEvery must be positive", time.Message);
    }

    private static IEnumerable<TorchSharp.torch.Generator> FailingStates()
    {
        throw new IOException("No space left on device");
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }
}
