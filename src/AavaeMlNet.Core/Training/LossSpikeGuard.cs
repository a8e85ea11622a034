using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// Rolls a run back over a loss spike. A finite loss far above its recent level means an update broke the weights:
/// a one-hour run at h = 2,048 features jumped from about 830 to about 114,000 near step 14,350, recovered its loss
/// within an epoch, but its representation lost 8 points for good, and nothing stopped it because no value was NaN.
/// The remedy is the one large-model training uses (PaLM, Sec. 5.1: restart from a checkpoint before the spike and
/// skip the batches around it): the guard keeps an in-memory copy of the weights, BatchNorm statistics and Adam's
/// moments (and the weight average, where the run keeps one) from the last calm stretch of the run, and when a step's
/// loss exceeds <see cref="Factor"/> times the running mean of the losses before it, that step is not applied and the
/// copy is put back; training goes on with the next batches and the schedule goes on from the current step.
/// </summary>
/// <remarks>
/// The running mean is an exponential average of the losses the guard accepted (horizon about
/// <see cref="Horizon"/> steps); the guard arms after <see cref="ArmingSteps"/> steps of a <c>Fit</c>, when the
/// steep first descent is over, and takes its first copy then. Later copies are taken every
/// <see cref="SnapshotEverySteps"/> steps, and only if no loss since the previous one exceeded
/// <see cref="CalmRatio"/> times the mean, so a copy never holds an instability that was building up.
/// Spikes that keep coming back within <see cref="SnapshotEverySteps"/> steps of the last rollback end the run as
/// diverged after <see cref="MaxConsecutiveRollbacks"/> rollbacks in a row. The guard's state is not in the
/// checkpoint: a resumed run learns the mean again and cannot roll back before its first copy, so it may judge a
/// spike in its first few hundred steps differently from the uninterrupted run; without a spike a resume is exact.
/// </remarks>
public sealed class LossSpikeGuard : IDisposable
{
    /// <summary>Steps of a <c>Fit</c> before the guard judges a loss.</summary>
    public const int ArmingSteps = 100;
    /// <summary>Steps between two copies of the run.</summary>
    public const int SnapshotEverySteps = 200;
    /// <summary>The largest loss, as a multiple of the running mean, that still counts as calm for a copy.</summary>
    public const double CalmRatio = 2;
    /// <summary>Rollbacks in a row (each spike within a copy interval of the last) before the run fails.</summary>
    public const int MaxConsecutiveRollbacks = 3;
    /// <summary>Steps the running mean averages over, about.</summary>
    public const int Horizon = 50;

    private readonly AavaeModel model;
    private readonly Adam optimizer;
    // The copies, by the name the tensor has in the state dict and by the parameter's place in the optimizer. The live
    // tensors are looked up again at every copy and rollback (every 200 steps at most): moving a model between devices
    // replaces its parameter and buffer objects. The trainer itself no longer moves it during a run (checkpoints are
    // written in place), so this only guards against a caller that does.
    private readonly Dictionary<string, Tensor> weights = [];
    private readonly List<(long Step, Tensor Average, Tensor Squares)> moments = [];
    // Tensors that follow the weights and go back with them (the trainer's weight average), and their copies.
    private readonly IReadOnlyList<Tensor> followers;
    private readonly List<Tensor> followerCopies = [];
    private long snapshotStep = -1;
    private long lastRollbackStep = long.MinValue;
    private int consecutiveRollbacks;
    private long judged;
    private double mean;
    private double worstSinceSnapshot;

    internal LossSpikeGuard(AavaeModel model, Adam optimizer, double factor, IReadOnlyList<Tensor>? followers = null)
    {
        this.model = model;
        this.optimizer = optimizer;
        this.followers = followers ?? [];
        Factor = factor;
    }

    /// <summary>A loss above this many times the running mean is a spike.</summary>
    internal double Factor { get; }

    /// <summary>
    /// The largest ratio of a step's loss to the running mean among the steps judged and let through: how close the
    /// run came to <see cref="Factor"/>; 0 before the guard arms.
    /// </summary>
    internal double PeakRatio { get; private set; }

    /// <summary>
    /// Judges the loss of <paramref name="step"/> before its update: null when the step goes ahead (the loss joins
    /// the running mean and a copy may be taken first), else the spike, after the weights went back to the copy. Only
    /// a guard that holds a copy judges, and only while the running mean is positive: with a learned log scale the
    /// loss can fall below zero, where a ratio to the mean says nothing.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The spike came back too often after rollbacks.</exception>
    internal LossSpike? Judge(long step, int epoch, double loss, string? lastCheckpoint)
    {
        bool positive = mean > 0;
        if (snapshotStep >= 0 && positive && loss > Factor * mean)
            return RollBack(step, epoch, loss, lastCheckpoint);
        if (snapshotStep >= 0 && positive) PeakRatio = Math.Max(PeakRatio, loss / mean);
        // The calm check uses the same mean as the spike check: the one before this loss joins it.
        double ratio = positive ? loss / mean : 1;
        mean = judged == 0 ? loss : mean + (loss - mean) / Horizon;
        judged++;
        if (judged < ArmingSteps || mean <= 0) return null;
        worstSinceSnapshot = Math.Max(worstSinceSnapshot, ratio);
        bool due = snapshotStep < 0 || step % SnapshotEverySteps == 0;
        if (due && worstSinceSnapshot <= CalmRatio) TakeSnapshot(step);
        if (due) worstSinceSnapshot = 0;
        if (step - lastRollbackStep > SnapshotEverySteps) consecutiveRollbacks = 0;
        return null;
    }

    private LossSpike RollBack(long step, int epoch, double loss, string? lastCheckpoint)
    {
        if (++consecutiveRollbacks > MaxConsecutiveRollbacks)
            throw new TrainingDivergedException(step, epoch, loss, lastCheckpoint,
                $"{loss / mean:F0} times the running mean of {mean:G4}, the {consecutiveRollbacks}th spike in a row " +
                $"after rolling back to step {snapshotStep}");
        lastRollbackStep = step;
        using (no_grad())
        {
            foreach (var (name, live) in model.state_dict()) live.copy_(weights[name]);
            foreach (var (live, saved) in followers.Zip(followerCopies)) live.copy_(saved);
            foreach (var (state, (moment, average, squares)) in optimizer.States().Zip(moments))
            {
                state.step = moment;
                state.exp_avg.copy_(average);
                state.exp_avg_sq.copy_(squares);
            }
        }
        return new LossSpike(step, loss, mean, snapshotStep);
    }

    private void TakeSnapshot(long step)
    {
        using var noGrad = no_grad();
        if (weights.Count == 0)
        {
            // The copies outlive the step's dispose scope that Judge runs in.
            static Tensor Copy(Tensor live) => live.detach().clone().DetachFromDisposeScope();
            foreach (var (name, live) in model.state_dict()) weights.Add(name, Copy(live));
            followerCopies.AddRange(followers.Select(Copy));
            foreach (var state in optimizer.States())
                moments.Add((state.step, Copy(state.exp_avg), Copy(state.exp_avg_sq)));
        }
        else
        {
            foreach (var (name, live) in model.state_dict()) weights[name].copy_(live);
            foreach (var (live, saved) in followers.Zip(followerCopies)) saved.copy_(live);
            int i = 0;
            foreach (var state in optimizer.States())
            {
                var (_, average, squares) = moments[i];
                average.copy_(state.exp_avg);
                squares.copy_(state.exp_avg_sq);
                moments[i++] = (state.step, average, squares);
            }
        }
        snapshotStep = step;
    }

    public void Dispose()
    {
        foreach (var saved in weights.Values) saved.Dispose();
        foreach (var saved in followerCopies) saved.Dispose();
        foreach (var (_, average, squares) in moments)
        {
            average.Dispose();
            squares.Dispose();
        }
    }
}

/// <summary>A loss spike the run rolled back over.</summary>
/// <param name="Step">The 0-based step whose loss spiked (its update was not applied).</param>
/// <param name="Loss">That loss.</param>
/// <param name="RunningMean">The running mean of the losses before it.</param>
/// <param name="RestoredStep">
/// The weights and Adam's moments were put back as they were before this step, the BatchNorm statistics as they were
/// after its forward pass (the copy is taken once the step's loss is known, before its update).
/// </param>
public sealed record LossSpike(long Step, double Loss, double RunningMean, long RestoredStep)
{
    /// <summary>What happened, in one sentence for the run's log.</summary>
    public override string ToString() =>
        $"Loss spike at step {Step}: {Loss:G6}, {Loss / RunningMean:F0} times the running mean of {RunningMean:G6}. " +
        $"The weights and Adam moments went back to where they were before step {RestoredStep} (the BatchNorm " +
        "statistics to just after its forward pass); the step was not applied and training goes on with the next " +
        "batches.";
}
