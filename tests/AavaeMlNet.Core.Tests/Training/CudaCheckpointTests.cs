using AavaeMlNet.Model;
using AavaeMlNet.Training;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>
/// Checkpoints written and read on CUDA. Moving a model between devices replaces its Parameter objects; had the
/// trainer moved the model to write or read a checkpoint, the optimizer would have gone on updating the old ones
/// and the model would have stopped learning at its first checkpoint. On the CPU such a move does nothing, so only
/// a CUDA machine can tell; this suite's machines have none, and these facts are reported as skipped there.
/// </summary>
public class CudaCheckpointTests
{
    [CudaFact]
    public void The_model_keeps_learning_after_each_checkpoint_and_after_a_resume_on_cuda()
    {
        using var images = Squares(40); // 5 steps per epoch
        using var data = new TensorBatchSource(images);
        string directory = TempDirectory();
        var options = Options(directory, epochs: 2) with
        {
            Device = DeviceKind.Cuda, CheckpointEverySteps = 1, CheckpointEvery = null,
        };
        var afterStep = new Dictionary<long, float[]>();
        using (var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options))
        {
            trainer.CheckpointSaved += c => afterStep[c.Step] = Weights(trainer.Model);
            trainer.Fit(data);
        }
        for (long step = 2; step <= 10; step++)
            Assert.False(afterStep[step - 1].SequenceEqual(afterStep[step]), $"step {step} left the weights unchanged");

        using var resumed = AavaeTrainer.Resume(Path.Combine(directory, Checkpoint.LatestFileName), epochs: 3);
        Assert.Equal(afterStep[10], Weights(resumed.Model));
        resumed.Fit(data);
        Assert.Equal(15, resumed.Step);
        Assert.False(afterStep[10].SequenceEqual(Weights(resumed.Model)), "the resumed run left the weights unchanged");
    }

    private static float[] Weights(AavaeModel model)
    {
        using var scope = NewDisposeScope();
        return cat(model.parameters().Select(p => p.detach().flatten().to(ScalarType.Float32).cpu()).ToList())
            .data<float>().ToArray();
    }
}
