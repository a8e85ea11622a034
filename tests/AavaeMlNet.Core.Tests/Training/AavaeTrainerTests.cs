using AavaeMlNet.Model;
using AavaeMlNet.Training;
using TorchSharp;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;

namespace AavaeMlNet.Core.Tests.Training;

public class AavaeTrainerTests
{
    [Fact]
    public void Loss_falls_on_a_small_synthetic_set()
    {
        using var images = Squares(64);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Options(null, epochs: 6));
        var epochLosses = new List<double>();
        trainer.Progress += p => { if (p.IsEpochEnd) epochLosses.Add(p.Loss); };
        trainer.Fit(data);
        Assert.Equal(6, epochLosses.Count);
        Assert.True(epochLosses[^1] < 0.8 * epochLosses[0], $"loss went from {epochLosses[0]} to {epochLosses[^1]}");
    }

    [Fact]
    public void Resumed_run_matches_an_uninterrupted_one_exactly()
    {
        using var images = Squares(40);
        using var data = new TensorBatchSource(images);
        AssertResumeIsExact(data, (dir, epochs) => Options(dir, epochs),
            inspect: (_, resumed) => Assert.Equal(1, resumed.Epoch));
    }

    [Fact]
    public void Cancellation_mid_epoch_leaves_a_checkpoint_that_resumes_exactly()
    {
        using var images = Squares(40);
        using var data = new TensorBatchSource(images);
        string straightDir = TempDirectory(), cancelDir = TempDirectory();
        using var straight = new AavaeTrainer(TinyConfig(), Augmentation, Options(straightDir, epochs: 2));
        straight.Fit(data);

        using var cancellation = new CancellationTokenSource();
        using (var interrupted = new AavaeTrainer(TinyConfig(), Augmentation, Options(cancelDir, epochs: 2)))
        {
            var source = new CancellingSource(data, cancelAfterBatches: 7, cancellation);
            Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(source, cancellation.Token));
        }
        string checkpoint = Path.Combine(cancelDir, Checkpoint.LatestFileName);
        var header = Checkpoint.ReadHeader(checkpoint);
        Assert.Equal((1, 2, 7L), (header.Epoch, header.StepInEpoch, header.Step)); // 5 steps per epoch

        using var resumed = AavaeTrainer.Resume(checkpoint);
        resumed.Fit(data);
        AssertSameWeights(straight.Model, resumed.Model);
    }

    [Fact]
    public void Nan_loss_stops_training_naming_the_step_and_the_last_good_checkpoint()
    {
        using var images = Squares(16);
        using var data = new TensorBatchSource(images);
        string directory = TempDirectory();
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Options(directory, epochs: 3));
        var error = Assert.Throws<TrainingDivergedException>(
            () => trainer.Fit(new PoisonedSource(data, poisonedEpoch: 1)));
        Assert.Equal(2, error.Step);
        Assert.Equal(1, error.Epoch);
        Assert.Equal(Path.GetFullPath(Path.Combine(directory, Checkpoint.LatestFileName)), error.LastCheckpoint);
        Assert.Contains("step 2", error.Message);
        Assert.Contains("last.ckpt", error.Message);
        Assert.Equal(1, Checkpoint.ReadHeader(error.LastCheckpoint!).Epoch); // the good checkpoint was not replaced
    }

    [Fact]
    public void Native_memory_stays_flat_over_many_steps()
    {
        using var images = Squares(32);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(
            TinyConfig(), Augmentation, Options(null, epochs: 30) with { BatchSize = 4 });
        var liveTensors = new List<long>();
        trainer.EpochCompleted += _ => liveTensors.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        trainer.Fit(data); // 240 steps, 8 per epoch
        Assert.Equal(240, trainer.Step);
        // After the first epoch (optimizer moments now exist) the count of live tensors must not move, but for the
        // loss-spike guard's one copy of every weight, buffer and Adam moment, taken when it arms after 100 steps
        // (in epoch 12) and refreshed in place from then on.
        int copies = trainer.Model.state_dict().Count + trainer.OptimizerMoments().Count();
        int armed = (LossSpikeGuard.ArmingSteps - 1) / 8;
        Assert.All(liveTensors.Skip(1).Take(armed - 1), count => Assert.Equal(liveTensors[1], count));
        Assert.All(liveTensors.Skip(armed), count => Assert.Equal(liveTensors[1] + copies, count));
    }

    [WithoutCudaFact]
    public void Cuda_request_without_cuda_fails_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComputeDevice.Resolve(DeviceKind.Cuda));
        Assert.Contains("CUDA was requested but is not available", error.Message);
        Assert.Contains("TorchBackend=cuda-linux", error.Message);
    }

    [Fact]
    public void Data_of_the_wrong_shape_is_rejected_with_both_shapes()
    {
        using var images = TorchSharp.torch.rand(4, 3, 16, 16);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Options(null));
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(data));
        Assert.Contains("3x16x16", error.Message);
        Assert.Contains("1x16x16", error.Message);
    }

    [Fact]
    public void A_budget_stops_after_the_crossing_step_with_a_checkpoint_at_that_position()
    {
        using var images = Squares(40);
        using var data = new TensorBatchSource(images);
        string directory = TempDirectory();
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation,
            Options(directory, epochs: 50) with { TimeBudget = TimeSpan.FromTicks(1) });
        trainer.Fit(data);
        Assert.True(trainer.StoppedAtBudget);
        Assert.Equal(1, trainer.Step); // the first step already crosses a one-tick budget
        var header = Checkpoint.ReadHeader(Path.Combine(directory, Checkpoint.LatestFileName));
        Assert.Equal((0, 1, 1L), (header.Epoch, header.StepInEpoch, header.Step));
    }
}
