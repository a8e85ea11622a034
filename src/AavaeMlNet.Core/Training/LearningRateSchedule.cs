namespace AavaeMlNet.Training;

/// <summary>What the learning rate does after warmup.</summary>
public enum LearningRateDecay
{
    /// <summary>Stays at the base rate (paper Sec. 4).</summary>
    Constant,
    /// <summary>Half a cosine from the base rate to zero at the end of the run.</summary>
    Cosine,
    /// <summary>A straight line from the base rate to zero at the end of the run.</summary>
    Linear,
    /// <summary>
    /// Constant, then a straight line to zero over the last <see cref="LearningRateSchedule.CooldownShare"/> of the
    /// run (warmup-stable-decay): a constant run's end, annealed.
    /// </summary>
    Cooldown,
}

/// <summary>
/// Linear warmup to the base rate, then constant (paper Sec. 4) or decay to zero at the end of the run.
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>The share of the post-warmup run over which <see cref="LearningRateDecay.Cooldown"/> decays.</summary>
    public const double CooldownShare = 0.2;

    /// <summary>
    /// Learning rate for the 0-based optimisation <paramref name="step"/>: baseRate * (step + 1) / warmupSteps during
    /// warmup, then baseRate times the decay factor of <paramref name="progress"/>, the fraction of the post-warmup
    /// run already done (0 at the end of warmup, 1 at the end of the run): 1 (constant),
    /// (1 + cos(pi * progress)) / 2 (cosine), 1 - progress (linear) or min(1, (1 - progress) / CooldownShare)
    /// (cooldown).
    /// </summary>
    public static double At(long step, double baseRate, long warmupSteps,
        LearningRateDecay decay = LearningRateDecay.Constant, double progress = 0)
    {
        if (warmupSteps > 0 && step < warmupSteps) return baseRate * (step + 1) / warmupSteps;
        double p = Math.Clamp(progress, 0, 1);
        return decay switch
        {
            LearningRateDecay.Cosine => baseRate * 0.5 * (1 + Math.Cos(Math.PI * p)),
            LearningRateDecay.Linear => baseRate * (1 - p),
            LearningRateDecay.Cooldown => baseRate * Math.Min(1, (1 - p) / CooldownShare),
            _ => baseRate,
        };
    }

    /// <summary>
    /// Fraction of the post-warmup run done at <paramref name="step"/> of <paramref name="totalSteps"/> (the
    /// <see cref="RunPlan.PlannedSteps"/>: a budgeted run's plan ends at its budget, so the decay does too).
    /// </summary>
    public static double Progress(long step, long warmupSteps, long totalSteps) =>
        totalSteps > warmupSteps ? Math.Clamp((double)(step - warmupSteps) / (totalSteps - warmupSteps), 0, 1) : 1;
}
