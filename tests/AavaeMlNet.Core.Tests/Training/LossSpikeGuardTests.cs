using AavaeMlNet.Training;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>
/// The rollback over loss spikes: an update that breaks the weights is simulated by scaling the decoder's output
/// convolution a hundredfold before one step's forward pass, which makes that step's loss explode while every value
/// stays finite (what the one-hour h = 2,048 run met).
/// </summary>
public class LossSpikeGuardTests
{
    // 64 images in batches of 8: 8 steps per epoch, 40 epochs, 320 steps. The guard arms with the loss of step 99
    // (the 100th), copies the run then and at step 200; the weights break before step 250.
    private const int BrokenStep = 250;

    [Fact]
    public void A_broken_update_is_rolled_back_to_the_last_calm_copy_and_training_goes_on()
    {
        using var images = Squares(64);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Options(null, epochs: 40));
        Dictionary<string, float[]>? atCopy = null, afterRollback = null;
        List<float[]>? momentsAtCopy = null, momentsAfterRollback = null;
        trainer.BeforeStep = step =>
        {
            if (step == 200) (atCopy, momentsAtCopy) = (Parameters(trainer), Moments(trainer));
            if (step == BrokenStep) BreakDecoder(trainer);
            if (step == BrokenStep + 1) (afterRollback, momentsAfterRollback) = (Parameters(trainer), Moments(trainer));
        };
        var warnings = new List<string>();
        trainer.Warning += warnings.Add;
        var epochLosses = new List<double>();
        trainer.Progress += p => { if (p.IsEpochEnd) epochLosses.Add(p.Loss); };

        trainer.Fit(data);

        var spike = Assert.Single(trainer.LossSpikes);
        Assert.Equal(BrokenStep, spike.Step);
        Assert.Equal(200, spike.RestoredStep);
        Assert.True(spike.Loss > 10 * spike.RunningMean, $"{spike.Loss} against a mean of {spike.RunningMean}");
        var warning = Assert.Single(warnings, w => w.StartsWith("Loss spike"));
        Assert.Contains($"step {BrokenStep}", warning);
        Assert.Contains("before step 200", warning);
        // Every parameter and Adam moment is back where it was when the copy was taken, bit for bit.
        Assert.Equal(atCopy!.Keys, afterRollback!.Keys);
        foreach (var name in atCopy.Keys) Assert.Equal(atCopy[name], afterRollback[name]);
        Assert.Equal(momentsAtCopy!.Count, momentsAfterRollback!.Count);
        for (int i = 0; i < momentsAtCopy.Count; i++) Assert.Equal(momentsAtCopy[i], momentsAfterRollback[i]);
        // The run went on to its end, and its last epoch is as good as the epochs before the break.
        Assert.Equal(320, trainer.Step);
        Assert.Equal(40, epochLosses.Count);
        double before = epochLosses[BrokenStep / 8 - 1];
        Assert.True(epochLosses[^1] < 1.5 * before, $"last epoch {epochLosses[^1]} against {before} before the break");
    }

    [Fact]
    public void Without_the_guard_the_broken_weights_stay_and_the_loss_stays_high()
    {
        using var images = Squares(64);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(
            TinyConfig(), Augmentation, Options(null, epochs: 33) with { LossSpikeFactor = null });
        trainer.BeforeStep = step => { if (step == BrokenStep) BreakDecoder(trainer); };
        var epochLosses = new List<double>();
        trainer.Progress += p => { if (p.IsEpochEnd) epochLosses.Add(p.Loss); };

        trainer.Fit(data);

        Assert.Empty(trainer.LossSpikes);
        double before = epochLosses[BrokenStep / 8 - 1], broken = epochLosses[BrokenStep / 8];
        Assert.True(broken > 10 * before, $"epoch of the break {broken} against {before} before it");
    }

    [Fact]
    public void Spikes_that_keep_coming_back_end_the_run_as_diverged()
    {
        using var images = Squares(64);
        using var data = new TensorBatchSource(images);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Options(null, epochs: 40));
        trainer.BeforeStep = step => { if (step >= BrokenStep) BreakDecoder(trainer); };

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));

        Assert.Equal(BrokenStep + LossSpikeGuard.MaxConsecutiveRollbacks, error.Step);
        Assert.Equal(LossSpikeGuard.MaxConsecutiveRollbacks, trainer.LossSpikes.Count);
        Assert.All(trainer.LossSpikes, spike => Assert.Equal(200, spike.RestoredStep));
        Assert.Contains("times the running mean", error.Message);
        Assert.Contains($"the {LossSpikeGuard.MaxConsecutiveRollbacks + 1}th spike in a row", error.Message);
        Assert.Contains("rolling back to step 200", error.Message);
        Assert.Contains("Lower the learning rate", error.Message);
    }

    [Fact]
    public void A_run_without_a_spike_is_the_same_with_and_without_the_guard()
    {
        using var images = Squares(64);
        using var data = new TensorBatchSource(images);
        using var guarded = new AavaeTrainer(TinyConfig(), Augmentation, Options(null, epochs: 30));
        using var unguarded = new AavaeTrainer(
            TinyConfig(), Augmentation, Options(null, epochs: 30) with { LossSpikeFactor = null });

        guarded.Fit(data);
        unguarded.Fit(data);

        Assert.Empty(guarded.LossSpikes);
        AssertSameWeights(unguarded.Model, guarded.Model);
    }

    [Fact]
    public void The_guard_copies_the_run_when_it_arms_and_judges_a_loss_against_ten_times_the_running_mean()
    {
        using var model = new AavaeMlNet.Model.AavaeModel(TinyConfig());
        using var optimizer = new Adam(model.parameters(), 1e-3);
        using var guard = new LossSpikeGuard(model, optimizer, factor: 10);
        for (int step = 0; step < 150; step++) Assert.Null(guard.Judge(step, 0, 100, null));
        Assert.Null(guard.Judge(150, 0, 1000, null)); // ten times the mean is not above it

        // The mean is now 100 + (1000 - 100) / 50 = 118: ten times it is 1,180.
        var spike = guard.Judge(151, 0, 1180.5, null);

        // The first copy was taken when the guard armed: with the loss of step 99, the 100th it saw.
        Assert.Equal(new LossSpike(151, 1180.5, 118, LossSpikeGuard.ArmingSteps - 1), spike);
    }

    [Fact]
    public void A_running_mean_below_zero_is_not_judged()
    {
        // A learned log scale can take the loss below zero; -50 is far above ten times a mean of -100, and no spike.
        using var model = new AavaeMlNet.Model.AavaeModel(TinyConfig());
        using var optimizer = new Adam(model.parameters(), 1e-3);
        using var guard = new LossSpikeGuard(model, optimizer, factor: 10);
        for (int step = 0; step < 400; step++) Assert.Null(guard.Judge(step, 0, step < 300 ? -100 : -50, null));
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    public void A_factor_that_would_flag_calm_steps_is_refused_naming_the_setting(double factor)
    {
        var options = Options(null) with { LossSpikeFactor = factor };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(nameof(TrainingOptions.LossSpikeFactor), error.ParamName);
        Assert.Contains("must be above 2", error.Message);
    }

    // A hundredfold scale of the decoder's output convolution: the reconstruction grows a hundredfold, the loss about
    // ten thousandfold, and every value stays finite.
    internal static void BreakDecoder(AavaeTrainer trainer)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in trainer.Model.Decoder.named_parameters())
            if (name.StartsWith("conv3.")) parameter.mul_(100);
    }

    private static Dictionary<string, float[]> Parameters(AavaeTrainer trainer) =>
        trainer.Model.named_parameters().ToDictionary(
            p => p.name, p => p.parameter.to(CPU).to_type(ScalarType.Float32).data<float>().ToArray());

    private static List<float[]> Moments(AavaeTrainer trainer) =>
        trainer.OptimizerMoments().Select(m => m.to(CPU).data<float>().ToArray()).ToList();
}
