using AavaeMlNet.Text;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Terminal;

/// <summary>
/// Shows training progress: a redrawn progress bar with images/s, loss and time left on a terminal; plain lines
/// when the output is redirected (logs, CI). Progress and time left follow the run's plan (its epochs, or the steps
/// its budget allows); times are hours:minutes:seconds however many hours they span.
/// </summary>
internal sealed class ProgressReporter(TextWriter output, bool interactive)
{
    private const int BarWidth = 24;

    public static ProgressReporter ForConsole() =>
        new(Console.Out, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null);

    /// <summary>Time left at the pace so far, to the second; zero before the first step.</summary>
    public static TimeSpan TimeLeft(double fractionDone, TimeSpan elapsed)
    {
        if (fractionDone <= 0) return TimeSpan.Zero;
        double seconds = elapsed.TotalSeconds * (1 - fractionDone) / fractionDone;
        return TimeSpan.FromSeconds(Math.Round(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2)));
    }

    public void Report(TrainingProgress progress)
    {
        // Share of the run done, as the trainer's plan counts it (0 until a budgeted run has measured its pace).
        double done = progress.PlannedSteps > 0
            ? LearningRateSchedule.Progress(progress.Step + 1, warmupSteps: 0, progress.PlannedSteps)
            : 0;
        string left = done > 0 ? Duration.Format(TimeLeft(done, progress.Elapsed)) : "?";
        string epochs = progress.PlannedSteps > 0
            ? $"/{Math.Ceiling((double)progress.PlannedSteps / progress.StepsPerEpoch):F0}"
            : "";
        string stats = $"epoch {progress.Epoch + 1}{epochs} " +
                       $"step {progress.StepInEpoch}/{progress.StepsPerEpoch} " +
                       $"loss {progress.Loss:F1} KL {progress.Kl:F1} logvar {progress.LogVariance:F2} " +
                       $"lr {progress.LearningRate:G2} {progress.ImagesPerSecond:F0} img/s";
        if (interactive)
        {
            int filled = (int)Math.Round(done * BarWidth);
            output.Write($"\r[{new string('#', filled)}{new string('-', BarWidth - filled)}] " +
                $"{done,4:P0} {stats} left {left}   ");
            if (progress.IsEpochEnd) output.WriteLine();
        }
        else if (progress.IsEpochEnd || progress.StepInEpoch % 50 == 0)
        {
            output.WriteLine($"{(progress.IsEpochEnd ? "epoch done:" : "training:")} {stats}, " +
                $"elapsed {Duration.Format(progress.Elapsed)}, left {left}");
        }
    }
}
