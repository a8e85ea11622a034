using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Tests.Terminal;

/// <summary>The progress line's time left follows the trainer's plan, and runs longer than a day.</summary>
public class ProgressReporterTests
{
    private static string EpochEndLine(long plannedSteps, int epoch, TimeSpan elapsed)
    {
        var output = new StringWriter();
        var reporter = new ProgressReporter(output, interactive: false);
        reporter.Report(new TrainingProgress(epoch, Step: (epoch + 1) * 10L - 1, StepInEpoch: 10, StepsPerEpoch: 10,
            Loss: 1, Reconstruction: 1, Kl: 0, LearningRate: 1e-3, ImagesPerSecond: 100, elapsed, IsEpochEnd: true,
            PlannedSteps: plannedSteps));
        return output.ToString();
    }

    [Fact]
    public void Time_left_extrapolates_the_planned_steps()
    {
        // 10 of 40 planned steps in 10 minutes: 30 minutes left, epoch 1 of 4.
        string line = EpochEndLine(40, epoch: 0, TimeSpan.FromMinutes(10));
        Assert.Contains("epoch 1/4 ", line);
        Assert.Contains("elapsed 00:10:00, left 00:30:00", line);
    }

    [Fact]
    public void Before_a_budgeted_run_has_a_plan_the_time_left_is_unknown()
    {
        string line = EpochEndLine(0, epoch: 0, TimeSpan.FromSeconds(3));
        Assert.Contains("epoch 1 step", line);
        Assert.Contains("left ?", line);
    }

    [Fact]
    public void Times_past_a_day_are_written_in_total_hours()
    {
        // 10 of 10,000 planned steps in 3 minutes: 999 x 3 = 2,997 minutes = 49 h 57 min left.
        string line = EpochEndLine(10_000, epoch: 0, TimeSpan.FromMinutes(3));
        Assert.Contains("left 49:57:00", line);
    }

    [Fact]
    public void Time_left_is_zero_before_the_first_step_and_finite_after_a_tiny_one()
    {
        Assert.Equal(TimeSpan.Zero, ProgressReporter.TimeLeft(0, TimeSpan.Zero));
        Assert.True(ProgressReporter.TimeLeft(1e-300, TimeSpan.FromSeconds(1)) > TimeSpan.FromDays(1000));
    }
}
