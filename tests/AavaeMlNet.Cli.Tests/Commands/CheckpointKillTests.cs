using AavaeMlNet.Training;
using static TorchSharp.torch;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>A real `kill -9` of `aavae pretrain` inside an epoch, resumed from its time-based checkpoint.</summary>
[Collection(PretrainedModelCollection.Name)]
public class CheckpointKillTests(PretrainedModel model)
{
    [Fact]
    public void A_kill_9_mid_epoch_resumes_to_the_weights_of_an_uninterrupted_run()
    {
        string directory = TinyData.NewDirectory("kill9");
        string[] args = ["pretrain", "--idx", model.TrainImages, "--width", "0.125", "--latent", "16", "--epochs", "4",
            "--batch-size", "8", "--warmup-epochs", "0", "--threads", "1"]; // 8 steps per epoch, 32 in all
        CliProcess.Succeed(directory, [.. args, "--checkpoint-every", "off", "--output", "straight/m.zip"]);

        string checkpoints = Path.Combine(directory, "killed", "checkpoints");
        // Stopped on the line that reports a checkpoint inside epoch 2, then SIGKILLed.
        var killed = KilledChild.RunUntil(directory,
            [.. args, "--checkpoint-every", "0.05s", "--output", "killed/m.zip"],
            line => line.StartsWith("checkpoint written:", StringComparison.Ordinal)
                    && line.Contains("(epoch 2, step ", StringComparison.Ordinal)
                    && !line.Contains("step 0/", StringComparison.Ordinal));
        Assert.Equal(137, killed.ExitCode);
        var header = Checkpoint.ReadHeader(Path.Combine(checkpoints, Checkpoint.LatestFileName));
        Assert.True(header.Step < 32 && header.StepInEpoch > 0, $"killed at step {header.Step}");
        Assert.False(File.Exists(Path.Combine(directory, "killed", "m.zip")));

        var resumed = CliProcess.Succeed(directory, [.. args, "--resume", "--checkpoint-dir", checkpoints,
            "--output", "killed/m.zip"]);
        Assert.Contains("Resuming from", resumed.Stdout);
        AssertSameWeights(Path.Combine(directory, "straight", "encoder.ckpt"),
            Path.Combine(directory, "killed", "encoder.ckpt"));
    }

    private static void AssertSameWeights(string expected, string actual)
    {
        var (want, _) = Checkpoint.LoadModel(expected);
        var (got, _) = Checkpoint.LoadModel(actual);
        using (want)
        using (got)
        {
            var a = want.state_dict();
            var b = got.state_dict();
            Assert.Equal(a.Keys, b.Keys);
            foreach (var key in a.Keys)
                Assert.Equal(a[key].to_type(ScalarType.Float64).data<double>().ToArray(),
                    b[key].to_type(ScalarType.Float64).data<double>().ToArray());
        }
    }
}
