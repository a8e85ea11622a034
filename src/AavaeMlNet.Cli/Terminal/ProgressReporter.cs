using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Terminal;

/// <summary>
/// Shows training progress: a redrawn progress bar with images/s, loss and time left on a terminal; plain lines
/// when the output is redirected (logs, CI).
/// </summary>
internal sealed class ProgressReporter(int totalEpochs, TextWriter output, bool interactive)
{
    private const int BarWidth = 24;

    public static ProgressReporter ForConsole(int totalEpochs) =>
        new(totalEpochs, Console.Out, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null);

    public void Report(TrainingProgress progress)
    {
        double done = (progress.Epoch + progress.StepInEpoch / (double)Math.Max(1, progress.StepsPerEpoch))
            / totalEpochs;
        var left = done > 0 ? TimeSpan.FromSeconds(progress.Elapsed.TotalSeconds * (1 - done) / done) : TimeSpan.Zero;
        string stats = $"epoch {progress.Epoch + 1}/{totalEpochs} " +
                       $"step {progress.StepInEpoch}/{progress.StepsPerEpoch} " +
                       $"loss {progress.Loss:F1} KL {progress.Kl:F1} logvar {progress.LogVariance:F2} " +
                       $"lr {progress.LearningRate:G2} {progress.ImagesPerSecond:F0} img/s";
        if (interactive)
        {
            int filled = (int)Math.Round(done * BarWidth);
            output.Write($"\r[{new string('#', filled)}{new string('-', BarWidth - filled)}] " +
                $"{done,4:P0} {stats} left {left:mm\\:ss}   ");
            if (progress.IsEpochEnd) output.WriteLine();
        }
        else if (progress.IsEpochEnd || progress.StepInEpoch % 50 == 0)
        {
            output.WriteLine($"{(progress.IsEpochEnd ? "epoch done:" : "training:")} {stats}, " +
                $"elapsed {progress.Elapsed:hh\\:mm\\:ss}, left {left:hh\\:mm\\:ss}");
        }
    }
}
