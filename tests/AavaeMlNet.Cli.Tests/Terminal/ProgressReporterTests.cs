using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Tests.Terminal;

/// <summary>The progress line's time left: epochs, the wall-time budget, and runs longer than a day.</summary>
public class ProgressReporterTests
{
    private static string EpochEndLine(int totalEpochs, TimeSpan? timeLimit, int epoch, TimeSpan elapsed)
    {
        var output = new StringWriter();
        var reporter = new ProgressReporter(totalEpochs, timeLimit, output, interactive: false);
        reporter.Report(new TrainingProgress(epoch, Step: (epoch + 1) * 10L - 1, StepInEpoch: 10, StepsPerEpoch: 10,
            Loss: 1, Reconstruction: 1, Kl: 0, LearningRate: 1e-3, ImagesPerSecond: 100, elapsed, IsEpochEnd: true));
        return output.ToString();
    }

    [Fact]
    public void Without_a_budget_time_left_extrapolates_the_epochs()
    {
        // 1 of 4 epochs in 10 minutes: 30 minutes left.
        string line = EpochEndLine(4, null, epoch: 0, TimeSpan.FromMinutes(10));
        Assert.Contains("elapsed 00:10:00, left 00:30:00", line);
    }

    [Fact]
    public void A_budget_that_ends_the_run_first_sets_the_time_left()
    {
        // 1,000 epochs at 3 minutes each would take 50 hours; the 60-minute budget ends it after 12 minutes more.
        string line = EpochEndLine(1000, TimeSpan.FromMinutes(60), epoch: 15, TimeSpan.FromMinutes(48));
        Assert.Contains("elapsed 00:48:00, left 00:12:00", line);
    }

    [Fact]
    public void A_budget_longer_than_the_epochs_leaves_the_epoch_estimate()
    {
        string line = EpochEndLine(4, TimeSpan.FromHours(5), epoch: 1, TimeSpan.FromMinutes(20));
        Assert.Contains("left 00:20:00", line);
    }

    [Fact]
    public void Times_past_a_day_are_written_in_total_hours()
    {
        // 1 of 1,000 epochs in 3 minutes: 999 x 3 = 2,997 minutes = 49 h 57 min left.
        string line = EpochEndLine(1000, null, epoch: 0, TimeSpan.FromMinutes(3));
        Assert.Contains("left 49:57:00", line);
    }

    [Fact]
    public void Time_left_is_zero_before_the_first_step_and_finite_after_a_tiny_one()
    {
        Assert.Equal(TimeSpan.Zero, ProgressReporter.TimeLeft(0, TimeSpan.Zero));
        Assert.True(ProgressReporter.TimeLeft(1e-300, TimeSpan.FromSeconds(1)) > TimeSpan.FromDays(1000));
    }
}
