using AavaeMlNet.Training;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>
/// A time budget bounds the run, lays out its schedule and keeps time to finish; a resume continues against it.
/// Wall time comes from a <see cref="StepClock"/> that moves one second per batch served, so budgeted runs repeat.
/// </summary>
public class BudgetTests
{
    private static TrainingOptions Budgeted(string? checkpoints, TimeSpan budget) => Options(checkpoints) with
    {
        Epochs = null, TimeBudget = budget, WarmupEpochs = null, LogEverySteps = 1, CheckpointEvery = null,
    };

    [Fact]
    public void A_plan_without_a_budget_is_the_epochs_with_a_capped_share_of_warmup()
    {
        var options = new TrainingOptions { Epochs = 10, WarmupEpochs = null, TimeBudget = null };
        Assert.Equal(new RunPlan(100, 50, 1000, Settled: true), RunPlan.Initial(options, 100));
        Assert.Equal(1000, RunPlan.Initial(options with { Epochs = 1000 }, 100).WarmupSteps); // 5 % would be 5,000
        Assert.Equal(250, RunPlan.Initial(options with { WarmupEpochs = 2.5 }, 100).WarmupSteps);
    }

    [Fact]
    public void A_budgeted_plan_is_settled_from_the_step_rate_and_only_its_end_moves_later()
    {
        var options = new TrainingOptions { Epochs = null, WarmupEpochs = null, TimeBudget = TimeSpan.FromMinutes(10) };
        var initial = RunPlan.Initial(options, 100);
        Assert.False(initial.Settled);
        Assert.Equal(RunPlan.MaxSharedWarmupSteps, initial.WarmupSteps); // the gentlest slope until measured
        // At step 12, 0.25 s a step, 588 s left: 2,352 more steps, 5 % warmup of 2,364 = 118.
        var settled = initial.Estimate(options, step: 12, secondsPerStep: 0.25, TimeSpan.FromSeconds(588));
        Assert.Equal(new RunPlan(100, 118, 2364, Settled: true, 0.25), settled);
        var later = settled.Estimate(options, step: 1000, secondsPerStep: 0.5, TimeSpan.FromSeconds(100));
        Assert.Equal((118L, 1200L), (later.WarmupSteps, later.PlannedSteps));
        // Epochs given too: whichever ends first.
        var bounded = initial.Estimate(options with { Epochs = 3 }, 12, 0.25, TimeSpan.FromSeconds(588));
        Assert.Equal(300, bounded.PlannedSteps);
    }

    [Fact]
    public void The_reserve_covers_the_clean_batchnorm_pass_and_a_share_of_the_budget_for_saving()
    {
        var options = new TrainingOptions
        {
            Epochs = null, TimeBudget = TimeSpan.FromMinutes(10), BatchSize = 64, CleanBatchNormImages = 5000,
        };
        // 79 batches x 0.2 s x 0.35 = 5.53 s, plus 1 % of 600 s = 6 s.
        Assert.Equal(5.53 + 6, RunPlan.Reserve(options, 0.2).TotalSeconds, 9);
        Assert.Equal(2, RunPlan.Reserve(options with { TimeBudget = TimeSpan.FromSeconds(30) }, 0).TotalSeconds, 9);
        Assert.Equal(TimeSpan.Zero, RunPlan.Reserve(options with { TimeBudget = null, Epochs = 1 }, 0.2));
    }

    [Fact]
    public void Settings_that_defeat_the_run_get_warnings_that_say_what_happens_and_what_to_change()
    {
        var options = new TrainingOptions { Epochs = 2, WarmupEpochs = 10, BatchSize = 256 };
        var warnings = RunPlan.Initial(options, 1).Warnings(options, images: 100);
        Assert.Equal(2, warnings.Count);
        Assert.Equal("BatchSize 256 is larger than the 100 images: every epoch is one step over all of them. Set " +
            "BatchSize to at most 25 (or leave it unset: the recipe takes a quarter of a small data set) for several " +
            "steps per epoch.", warnings[0]);
        Assert.Equal("WarmupEpochs 10 is 10 steps and the run plans 2: the learning rate never reaches " +
            "LearningRate. Set WarmupEpochs to about 0.1 (5 % of the run), leave it unset (the recipe's 5 %), or " +
            "give the run more time.", warnings[1]);

        var budgeted = new TrainingOptions
        {
            Epochs = null, TimeBudget = TimeSpan.FromMinutes(1), BatchSize = 64, WarmupEpochs = null,
        };
        var plan = RunPlan.Initial(budgeted, 1000).Estimate(budgeted, 12, 0.5, TimeSpan.FromSeconds(50));
        Assert.Equal("TimeBudget 1m allows about 112 steps, fewer than the 1,000 of one epoch: only about 11 % of " +
            "the 64,000 images will be seen, once. One epoch takes about 00:08:20 here: raise TimeBudget above " +
            "that, or pretrain on fewer images.", Assert.Single(plan.Warnings(budgeted, 64_000)));
        var fine = options with { WarmupEpochs = 0.1, BatchSize = 8 };
        Assert.Empty(RunPlan.Initial(fine, 50).Warnings(fine, 400));
    }

    [Fact]
    public void The_budget_stops_the_run_with_time_kept_to_finish_and_the_schedule_ends_there()
    {
        using var images = Squares(40);
        var clock = new StepClock();
        using var data = new ClockedSource(new TensorBatchSource(images), clock);
        var options = Budgeted(null, TimeSpan.FromSeconds(60)) with { Decay = LearningRateDecay.Linear };
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options, CpuBf16Features.Current, clock);
        var rates = new SortedDictionary<long, double>();
        var settled = new List<RunPlan>();
        trainer.Progress += p => rates[p.Step] = p.LearningRate;
        trainer.PlanSettled += settled.Add;
        trainer.Fit(data);
        // One second a step; 2 s are kept to finish: the step that ends at 58 s is the last.
        Assert.True(trainer.StoppedAtBudget);
        Assert.Equal(58, trainer.Step);
        var plan = Assert.Single(settled);
        Assert.Equal((1.0, 58L), (plan.SecondsPerStep, plan.PlannedSteps));
        Assert.Equal(3, plan.WarmupSteps); // 5 % of 58 steps
        Assert.Equal(58, trainer.Plan!.PlannedSteps);
        // The linear decay reaches zero at the budget: the last step's rate is one step's worth above zero.
        Assert.Equal(58, rates.Count);
        Assert.Equal(2e-3 * 1 / 55, rates[57], 12);
        // Until the rate is measured (12 steps) the warmup climbs at the slope of the longest one; the settled
        // warmup (3 steps) is then already over, so the decay takes over.
        Assert.Equal(2e-3 * 12 / RunPlan.MaxSharedWarmupSteps, rates[11], 12);
        Assert.True(rates.Values.Take(12).Zip(rates.Values.Skip(1)).All(pair => pair.Second > pair.First));
        Assert.Equal(2e-3 * (1 - 9.0 / 55), rates[12], 12);
    }

    [Fact]
    public void A_resumed_budgeted_run_continues_against_what_is_left_and_ends_exactly_as_an_uninterrupted_one()
    {
        using var images = Squares(40); // 5 steps an epoch
        var options = Budgeted(null, TimeSpan.FromSeconds(40)) with { Decay = LearningRateDecay.Linear };

        var straightClock = new StepClock();
        using var straightData = new ClockedSource(new TensorBatchSource(images), straightClock);
        using var straight = new AavaeTrainer(TinyConfig(), Augmentation, options, CpuBf16Features.Current,
            straightClock);
        straight.Fit(straightData);
        Assert.Equal(38, straight.Step);

        // The same run keeps a checkpoint of every epoch; the one after four epochs (20 steps, 20 s) is resumed.
        string directory = TempDirectory();
        var firstClock = new StepClock();
        using (var firstData = new ClockedSource(new TensorBatchSource(images), firstClock))
        using (var first = new AavaeTrainer(TinyConfig(), Augmentation,
                   options with { CheckpointDirectory = directory, KeepEpochCheckpoints = true },
                   CpuBf16Features.Current, firstClock))
        {
            first.Fit(firstData);
        }
        string checkpoint = Path.Combine(directory, "epoch-0004.ckpt");
        var header = Checkpoint.ReadHeader(checkpoint);
        Assert.Equal((20L, TimeSpan.FromSeconds(20)), (header.Step, header.BudgetSpent));
        Assert.Equal(new RunPlan(5, 2, 38, Settled: true, 1.0), header.Plan);

        var resumedClock = new StepClock();
        using var resumedData = new ClockedSource(new TensorBatchSource(images), resumedClock);
        using var resumed = AavaeTrainer.Resume(checkpoint, null, null, CpuBf16Features.Current, resumedClock);
        resumed.Fit(resumedData);
        Assert.True(resumed.StoppedAtBudget);
        Assert.Equal(38, resumed.Step); // 18 more steps: what was left of the budget, not a new one
        Assert.Equal(straight.Plan, resumed.Plan);
        AssertSameWeights(straight.Model, resumed.Model);
    }

    [Fact]
    public void An_epoch_bound_run_extended_on_resume_lays_its_decay_out_to_the_new_end()
    {
        using var images = Squares(40); // 5 steps an epoch
        using var data = new TensorBatchSource(images);
        string directory = TempDirectory();
        var options = Options(directory, epochs: 1) with { Decay = LearningRateDecay.Linear, LogEverySteps = 1 };
        using (var first = new AavaeTrainer(TinyConfig(), Augmentation, options)) first.Fit(data);
        using var resumed = AavaeTrainer.Resume(Path.Combine(directory, Checkpoint.LatestFileName), epochs: 3);
        var rates = new SortedDictionary<long, double>();
        resumed.Progress += p => rates[p.Step] = p.LearningRate;
        resumed.Fit(data);
        Assert.Equal(15, resumed.Step);
        Assert.Equal(new RunPlan(5, 2, 15, Settled: true), resumed.Plan); // warmup 0.5 epochs, rounded to even
        // Linear from the warmup's end (step 2) to step 15: the one-epoch run's end (step 5) is no longer zero.
        Assert.Equal(2e-3 * (1 - 3.0 / 13), rates[5], 12);
        Assert.Equal(2e-3 * (1 - 12.0 / 13), rates[14], 12);
    }

    [Fact]
    public void A_budget_shorter_than_an_epoch_raises_its_warning_once_the_rate_is_known()
    {
        using var images = Squares(200);
        var clock = new StepClock();
        using var data = new ClockedSource(new TensorBatchSource(images), clock);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Budgeted(null, TimeSpan.FromSeconds(15)),
            CpuBf16Features.Current, clock);
        var warnings = new List<string>();
        trainer.Warning += warnings.Add;
        trainer.Fit(data);
        Assert.Equal(13, trainer.Step); // 15 s less 2 s to finish
        Assert.StartsWith("TimeBudget 15s allows about 13 steps, fewer than the 25 of one epoch",
            Assert.Single(warnings));
    }
}

/// <summary>Serves the batches of a source, moving a <see cref="StepClock"/> one second before each.</summary>
internal sealed class ClockedSource(IImageBatchSource inner, StepClock clock) : IImageBatchSource, IDisposable
{
    public long Count => inner.Count;
    public (int Channels, int Height, int Width) ImageShape => inner.ImageShape;

    public IEnumerable<TorchSharp.torch.Tensor> Batches(int epoch, int batchSize, long seed, int skipBatches,
        CancellationToken cancellationToken)
    {
        foreach (var batch in inner.Batches(epoch, batchSize, seed, skipBatches, cancellationToken))
        {
            clock.Step();
            yield return batch;
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}

/// <summary>A clock that stands still until the test moves it, one second per call of <see cref="Step"/>.</summary>
internal sealed class StepClock : TimeProvider
{
    private long ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Interlocked.Read(ref ticks);
    public void Step() => Interlocked.Add(ref ticks, TimeSpan.TicksPerSecond);
}
