namespace AavaeMlNet.Training;

/// <summary>Linear warmup to the base rate, then constant (paper Sec. 4: no decay).</summary>
public static class LearningRateSchedule
{
    /// <summary>
    /// Learning rate for the 0-based optimisation <paramref name="step"/>: baseRate * (step + 1) / warmupSteps during
    /// warmup, baseRate afterwards.
    /// </summary>
    public static double At(long step, double baseRate, long warmupSteps)
    {
        if (warmupSteps <= 0 || step >= warmupSteps) return baseRate;
        return baseRate * (step + 1) / warmupSteps;
    }
}
