using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Tests.Commands;

[Collection(PretrainedModelCollection.Name)]
public class PretrainCommandTests(PretrainedModel model)
{
    [Fact]
    public void Pretrain_writes_the_model_zip_the_encoder_checkpoint_and_last_ckpt()
    {
        Assert.True(File.Exists(model.ModelPath));
        Assert.True(File.Exists(model.CheckpointPath));
        Assert.True(File.Exists(Path.Combine(model.Directory, "out", "checkpoints", Checkpoint.LatestFileName)));
        // The atomic writer's temporary files are hidden siblings named .NAME.PID.GUID.tmp.
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(model.ModelPath)!, "*.tmp"));
        var header = Checkpoint.ReadHeader(model.CheckpointPath);
        Assert.Equal(16, header.Config.LatentDim);
        Assert.Equal((1, 16, 16), (header.Config.Channels, header.Config.Height, header.Config.Width));
        Assert.Contains($"{TinyData.EmbeddingSize}-dimensional embedding", model.PretrainOutput.Stdout);
    }

    [Fact]
    public void Pretrain_prints_and_stores_the_precision_auto_resolved_to_on_this_cpu()
    {
        var expected = PrecisionSupport.Resolve(AavaeMlNet.Model.Precision.Auto, CpuBf16Features.Current);
        // The tiny model's base width of 8 keeps the standard layout (PrecisionSupport.ChannelsLastRuns).
        Assert.Contains($"compute {expected}, standard layout: channels-last crashes libtorch's CPU convolutions at " +
                        "base width 8, a multiple of 16 runs it (Auto: ", model.PretrainOutput.Stdout);
        var header = Checkpoint.ReadHeader(model.CheckpointPath);
        Assert.Equal(AavaeMlNet.Model.Precision.Auto, header.Training.Precision);
        Assert.Equal(expected, header.ComputePrecision);
    }

    [Fact]
    public void Precision_bf16_runs_where_the_cpu_has_avx512_and_is_a_one_line_error_elsewhere()
    {
        string directory = TinyData.NewDirectory("bf16");
        string[] arguments =
        [
            "pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments, "--precision", "bf16",
            "--output", "m.zip",
        ];
        if (CpuBf16Features.Current.Avx512)
        {
            CliProcess.Succeed(directory, arguments);
            var header = Checkpoint.ReadHeader(Path.Combine(directory, "encoder.ckpt"));
            Assert.Equal(AavaeMlNet.Model.Precision.BFloat16Mixed, header.ComputePrecision);
        }
        else
        {
            var result = CliProcess.Run(directory, arguments);
            CliProcess.AssertUserError(result, "BFloat16Mixed needs a CPU with AVX-512 (BW, VL, DQ)");
            Assert.False(File.Exists(Path.Combine(directory, "m.zip")));
        }
    }

    [Fact]
    public void A_oneDNN_cap_at_AVX2_makes_Auto_run_float32_and_the_header_names_the_cap()
    {
        string directory = TinyData.NewDirectory("isa-cap");
        var cap = new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "AVX2" };
        var result = CliProcess.Run(directory, cap,
            ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments, "--output", "m.zip"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var header = Checkpoint.ReadHeader(Path.Combine(directory, "encoder.ckpt"));
        Assert.Equal(AavaeMlNet.Model.Precision.Float32, header.ComputePrecision);
        if (CpuBf16Features.Current.Avx512)
            Assert.Contains("(oneDNN capped at AVX2) has no native bf16)", result.Stdout);
    }

    [Fact]
    public void View_and_schedule_flags_reach_the_checkpoint_and_a_malformed_range_is_a_one_line_error()
    {
        string directory = TinyData.NewDirectory("view");
        CliProcess.Succeed(directory, ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments,
            "--crop-scale", "0.3,1", "--jitter-strength", "0.2", "--flip", "0", "--decay", "cosine",
            "--output", "m.zip"]);
        var header = Checkpoint.ReadHeader(Path.Combine(directory, "encoder.ckpt"));
        Assert.Equal((0.3, 1.0), header.Augmentation.CropScale);
        Assert.Equal(0.2, header.Augmentation.JitterStrength);
        Assert.Equal(0.0, header.Augmentation.FlipProbability);
        Assert.Equal(LearningRateDecay.Cosine, header.Training.Decay);

        var result = CliProcess.Run(directory,
            ["pretrain", "--idx", model.TrainImages, "--crop-scale", "0.3", "--output", "x.zip"]);
        CliProcess.AssertUserError(result, "--crop-scale '0.3' must be two numbers MIN,MAX");
    }

    [Fact]
    public void Resume_continues_from_last_ckpt_to_the_weights_of_an_uninterrupted_run()
    {
        string directory = TinyData.NewDirectory("resume");
        string checkpoints = Path.Combine(directory, "ckpt");
        string last = Path.Combine(checkpoints, Checkpoint.LatestFileName);
        string[] common =
        [
            "pretrain", "--idx", model.TrainImages, "--width", "0.125", "--latent", "16", "--batch-size", "16",
            "--warmup-epochs", "0", "--threads", "1",
        ];
        // The first run and the reference use seed 7; the resumed command line leaves the default seed (42), so a
        // restart from scratch would give other weights, and only a real resume gives the reference's.
        CliProcess.Succeed(directory, [.. common, "--epochs", "2", "--seed", "7", "--output", "reference/m.zip"]);
        CliProcess.Succeed(directory, [.. common, "--epochs", "1", "--seed", "7", "--checkpoint-dir", checkpoints,
            "--output", "a.zip"]);
        Assert.Equal(1, Checkpoint.ReadHeader(last).Epoch);

        var resumed = CliProcess.Succeed(directory, ["pretrain", "--idx", model.TrainImages, "--epochs", "2",
            "--resume", "--checkpoint-dir", checkpoints, "--output", "b/m.zip"]);

        Assert.Contains("Resuming from", resumed.Stdout);
        Assert.Equal(2, Checkpoint.ReadHeader(last).Epoch);
        Assert.True(File.Exists(Path.Combine(directory, "b", "m.zip")));
        AssertSameWeights(Path.Combine(directory, "reference", "encoder.ckpt"),
            Path.Combine(directory, "b", "encoder.ckpt"));
    }

    [Fact]
    public void Resume_on_other_images_is_refused_naming_the_difference_unless_asked_to_continue_on_them()
    {
        string directory = TinyData.NewDirectory("resume-other-data");
        string checkpoints = Path.Combine(directory, "ckpt");
        string last = Path.Combine(checkpoints, Checkpoint.LatestFileName);
        string others = TinyData.WriteIdx(directory, 48, seed: 9, prefix: "others");
        CliProcess.Succeed(directory, ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments,
            "--checkpoint-dir", checkpoints, "--output", "a.zip"]);
        byte[] before = File.ReadAllBytes(last);
        string[] resume = ["pretrain", "--idx", others, "--epochs", "2", "--resume", "--checkpoint-dir", checkpoints,
            "--output", "b.zip"];

        var refused = CliProcess.Run(directory, resume);
        Assert.Equal(before, File.ReadAllBytes(last));
        Assert.False(File.Exists(Path.Combine(directory, "b.zip")));
        var continued = CliProcess.Succeed(directory, [.. resume, "--resume-on-other-data"]);

        CliProcess.AssertUserError(refused, "was written for other training data: 48 images where the checkpoint's " +
            "run had 64; other pixels in the first 16 images (another folder, subset or order).");
        Assert.Contains("Warning: Continuing the run of checkpoint", continued.Stdout);
        Assert.Equal(48, Checkpoint.ReadHeader(last).Data!.Count);
        Assert.True(File.Exists(Path.Combine(directory, "b.zip")));
    }

    [Fact]
    public void Checkpoint_every_steps_writes_last_ckpt_at_each_multiple_of_the_step_count_across_epochs()
    {
        string directory = TinyData.NewDirectory("checkpoint-steps");
        // 64 images in batches of 16: 4 steps per epoch, 8 in two epochs; every 3 steps: after steps 3 and 6, besides
        // the epoch ends. Each line gives the position a resume continues from (an epoch's end is the next one's 0).
        string[] twoEpochs = [.. PretrainedModel.TinyArguments.Select(a => a == "1" ? "2" : a)];
        Assert.Equal("2", twoEpochs[Array.IndexOf(twoEpochs, "--epochs") + 1]);
        var result = CliProcess.Succeed(directory, ["pretrain", "--idx", model.TrainImages, .. twoEpochs,
            "--checkpoint-every", "off", "--checkpoint-every-steps", "3", "--output", "m.zip"]);

        var written = result.Stdout.Split('\n').Where(line => line.StartsWith("checkpoint written:"))
            .Select(line => line[line.IndexOf("(epoch", StringComparison.Ordinal)..line.IndexOf(" steps in all")])
            .ToList();
        Assert.Equal(["(epoch 1, step 3/4, 3", "(epoch 2, step 0/4, 4", "(epoch 2, step 2/4, 6",
            "(epoch 3, step 0/4, 8"], written);
    }

    [Fact]
    public void Resume_without_a_checkpoint_is_a_user_error()
    {
        string directory = TinyData.NewDirectory("resume-missing");
        var result = CliProcess.Run(directory,
            ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments, "--resume",
                "--output", "m.zip"]);
        CliProcess.AssertUserError(result, "last.ckpt' does not exist");
    }

    [LinuxFact]
    public void Ctrl_C_mid_epoch_writes_that_position_and_resume_ends_bit_equal_to_an_uninterrupted_run()
    {
        string directory = TinyData.NewDirectory("sigint");
        // 1,600 images of batch 8: 200 steps in the epoch. The child is stopped at its "training:" line of step 50,
        // signalled and continued, so it ends ~50 steps in, where no epoch checkpoint exists yet.
        string images = TinyData.WriteIdx(directory, 1600, seed: 4);
        string[] common = ["pretrain", "--idx", images, "--width", "0.125", "--latent", "16", "--epochs", "1",
            "--batch-size", "8", "--warmup-epochs", "0", "--threads", "1"];
        CliProcess.Succeed(directory, [.. common, "--seed", "7", "--output", "reference/m.zip"]);

        string checkpoints = Path.Combine(directory, "interrupted", "checkpoints");
        var interrupted = RunUntilSignalled(directory,
            [.. common, "--seed", "7", "--checkpoint-dir", checkpoints, "--output", "interrupted/m.zip"], "training:");

        Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
        Assert.Contains("cancelled", interrupted.Stderr);
        Assert.False(File.Exists(Path.Combine(directory, "interrupted", "m.zip")));
        string last = Path.Combine(checkpoints, Checkpoint.LatestFileName);
        var header = Checkpoint.ReadHeader(last);
        Assert.Equal(0, header.Epoch);
        Assert.Equal(200, header.StepsPerEpoch);
        Assert.InRange(header.StepInEpoch, 50, 199);
        Assert.Equal(header.StepInEpoch, header.Step);

        // Resumed with the default seed: only the checkpoint's position and streams can give the reference weights.
        var resumed = CliProcess.Succeed(directory, ["pretrain", "--idx", images, "--epochs", "1", "--resume",
            "--checkpoint-dir", checkpoints, "--output", "interrupted/m.zip"]);
        Assert.Contains("Resuming from", resumed.Stdout);
        Assert.Equal((1, 0, 200L), (Checkpoint.ReadHeader(last).Epoch, Checkpoint.ReadHeader(last).StepInEpoch,
            Checkpoint.ReadHeader(last).Step));
        AssertSameWeights(Path.Combine(directory, "reference", "encoder.ckpt"),
            Path.Combine(directory, "interrupted", "encoder.ckpt"));
    }

    /// <summary>
    /// Starts the tool; at the first stdout line that starts with <paramref name="linePrefix"/> stops it (SIGSTOP, sent
    /// by the thread that read the line, so the child cannot train on while this process is slow to act), sends
    /// Ctrl-C and continues it; waits for it to exit. Every wait is bounded; the child is killed in finally.
    /// </summary>
    private static CliResult RunUntilSignalled(string directory, string[] args, string linePrefix) =>
        KilledChild.RunSignalled(directory, new Dictionary<string, string>(), args,
            line => line.StartsWith(linePrefix, StringComparison.Ordinal), process =>
            {
                PosixSignals.Send(process.Id, PosixSignals.Stop);
                PosixSignals.Send(process.Id, PosixSignals.CtrlC);
                PosixSignals.Send(process.Id, PosixSignals.Continue);
            });

    private static void AssertSameWeights(string expectedCheckpoint, string actualCheckpoint)
    {
        var (expected, _) = Checkpoint.LoadModel(expectedCheckpoint);
        var (actual, _) = Checkpoint.LoadModel(actualCheckpoint);
        using (expected)
        using (actual)
        {
            var want = Weights(expected);
            var got = Weights(actual);
            Assert.Equal(want.Keys, got.Keys);
            foreach (var name in want.Keys)
                Assert.True(want[name].SequenceEqual(got[name]),
                    $"{name} differs: {expectedCheckpoint} vs {actualCheckpoint}");
        }
    }

    private static Dictionary<string, double[]> Weights(AavaeMlNet.Model.AavaeModel model) =>
        model.state_dict().ToDictionary(p => p.Key,
            p => p.Value.to_type(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray());
}
