using System.Diagnostics;
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
        Assert.False(File.Exists(model.ModelPath + ".tmp"));
        var header = Checkpoint.ReadHeader(model.CheckpointPath);
        Assert.Equal(16, header.Config.LatentDim);
        Assert.Equal((1, 16, 16), (header.Config.Channels, header.Config.Height, header.Config.Width));
        Assert.Contains("64-dimensional embedding", model.PretrainOutput.Stdout);
    }

    [Fact]
    public void Pretrain_prints_and_stores_the_precision_auto_resolved_to_on_this_cpu()
    {
        var expected = PrecisionSupport.Resolve(AavaeMlNet.Model.Precision.Auto, CpuBf16Features.Current);
        Assert.Contains($"Compute: {expected}, channels-last (Auto: ", model.PretrainOutput.Stdout);
        var header = Checkpoint.ReadHeader(model.CheckpointPath);
        Assert.Equal(AavaeMlNet.Model.Precision.Auto, header.Training.Precision);
        Assert.Equal(expected, header.ComputePrecision);
    }

    [Fact]
    public void Precision_bf16_runs_where_the_cpu_has_avx512_and_is_a_one_line_error_elsewhere()
    {
        string directory = TinyData.NewDirectory("bf16");
        string[] arguments = ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments, "--precision", "bf16", "--output", "m.zip"];
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
    public void View_and_schedule_flags_reach_the_checkpoint_and_a_malformed_range_is_a_one_line_error()
    {
        string directory = TinyData.NewDirectory("view");
        CliProcess.Succeed(directory, ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments,
            "--crop-scale", "0.3,1", "--jitter-strength", "0.2", "--flip", "0", "--decay", "cosine", "--output", "m.zip"]);
        var header = Checkpoint.ReadHeader(Path.Combine(directory, "encoder.ckpt"));
        Assert.Equal((0.3, 1.0), header.Augmentation.CropScale);
        Assert.Equal(0.2, header.Augmentation.JitterStrength);
        Assert.Equal(0.0, header.Augmentation.FlipProbability);
        Assert.Equal(LearningRateDecay.Cosine, header.Training.Decay);

        var result = CliProcess.Run(directory, ["pretrain", "--idx", model.TrainImages, "--crop-scale", "0.3", "--output", "x.zip"]);
        CliProcess.AssertUserError(result, "--crop-scale '0.3' must be two numbers MIN,MAX");
    }

    [Fact]
    public void Resume_continues_from_last_ckpt_of_the_checkpoint_directory()
    {
        string directory = TinyData.NewDirectory("resume");
        string checkpoints = Path.Combine(directory, "ckpt");
        string last = Path.Combine(checkpoints, Checkpoint.LatestFileName);
        CliProcess.Succeed(directory, ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments, "--checkpoint-dir", checkpoints, "--output", "a.zip"]);
        Assert.Equal(1, Checkpoint.ReadHeader(last).Epoch);

        var resumed = CliProcess.Succeed(directory, ["pretrain", "--idx", model.TrainImages, "--epochs", "2", "--resume", "--checkpoint-dir", checkpoints, "--output", "b.zip"]);

        Assert.Contains("Resuming from", resumed.Stdout);
        Assert.Equal(2, Checkpoint.ReadHeader(last).Epoch);
        Assert.True(File.Exists(Path.Combine(directory, "b.zip")));
    }

    [Fact]
    public void Resume_without_a_checkpoint_is_a_user_error()
    {
        string directory = TinyData.NewDirectory("resume-missing");
        var result = CliProcess.Run(directory, ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments, "--resume", "--output", "m.zip"]);
        CliProcess.AssertUserError(result, "last.ckpt' does not exist");
    }

    [Fact]
    public async Task Ctrl_C_stops_pretraining_with_last_ckpt_written_and_exit_code_130()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends POSIX signals; the CLI tests run on Linux");
        string directory = TinyData.NewDirectory("sigint");
        string[] args = ["pretrain", "--idx", model.TrainImages, "--width", "0.125", "--latent", "16", "--epochs", "10000", "--batch-size", "16",
            "--threads", "1", "--output", "m.zip"];
        // A process started from a non-interactive shell's background job inherits SIGINT as ignored, and so does every
        // child; the CLI cannot see a Ctrl-C then, so the test sends SIGTERM, which the CLI handles the same way.
        string signal = SigIntIgnored() ? "-TERM" : "-INT";
        using var process = CliProcess.Start(directory, args);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("epoch done", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            // bash's own kill: /bin/kill comes from procps, which a minimal Debian 12 machine does not have.
            using (var kill = Process.Start("bash", ["-c", $"kill {signal} {process.Id}"])) kill.WaitForExit();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(130, process.ExitCode);
            Assert.Contains("cancelled", await stderr);
            var header = Checkpoint.ReadHeader(Path.Combine(directory, "checkpoints", Checkpoint.LatestFileName));
            Assert.True(header.Step > 0);
            Assert.False(File.Exists(Path.Combine(directory, "m.zip")));
            await stdout;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    // Bit 2 (SIGINT) of the SigIgn mask in /proc/self/status: inherited by the CLI child started from here.
    private static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        ulong mask = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);
        return (mask & (1UL << (2 - 1))) != 0;
    }
}
