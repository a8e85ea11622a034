namespace AavaeMlNet.Training;

/// <summary>
/// Thrown when the loss becomes NaN or infinite; training stops before the bad step updates the weights.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(long step, int epoch, double loss, string? lastCheckpoint)
        : base($"Training diverged at step {step} (epoch {epoch}): the loss is {loss}. " +
               (lastCheckpoint is null
                   ? "No checkpoint was written before it."
                   : $"The last good checkpoint is '{lastCheckpoint}'.") +
               " Lower the learning rate, lengthen the warmup or check the input for NaN values.")
    {
        Step = step;
        Epoch = epoch;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>The 0-based step whose loss was not finite.</summary>
    public long Step { get; }
    /// <summary>The epoch of that step.</summary>
    public int Epoch { get; }
    /// <summary>Path of the last checkpoint written before the divergence, if any.</summary>
    public string? LastCheckpoint { get; }
}
