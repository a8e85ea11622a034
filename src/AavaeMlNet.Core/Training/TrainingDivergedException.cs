namespace AavaeMlNet.Training;

/// <summary>
/// Thrown when the loss becomes NaN or infinite, or spikes again and again after rolling back
/// (<see cref="TrainingOptions.LossSpikeFactor"/>); training stops before the bad step updates the weights.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <param name="step">The 0-based step whose loss stopped the run.</param>
    /// <param name="epoch">The epoch of that step.</param>
    /// <param name="loss">That loss.</param>
    /// <param name="lastCheckpoint">Path of the last checkpoint written before it, if any.</param>
    /// <param name="spike">How the loss spiked (as a multiple of its running mean), where a finite spike ended the run.
    /// </param>
    public TrainingDivergedException(long step, int epoch, double loss, string? lastCheckpoint, string? spike = null)
        : base($"Training diverged at step {step} (epoch {epoch}): the loss is {loss}" +
               (spike is null ? ". " : $", {spike}. ") +
               (lastCheckpoint is null
                   ? "No checkpoint was written before it."
                   : $"The last good checkpoint is '{lastCheckpoint}'.") +
               (spike is null
                   ? " Lower the learning rate, lengthen the warmup or check the input for NaN values."
                   : " Lower the learning rate or lengthen the warmup; LossSpikeFactor sets how far above its " +
                     "running mean a loss may go."))
    {
        Step = step;
        Epoch = epoch;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>The 0-based step whose loss stopped the run: not finite, or a spike after repeated rollbacks.
    /// </summary>
    public long Step { get; }
    /// <summary>The epoch of that step.</summary>
    public int Epoch { get; }
    /// <summary>Path of the last checkpoint written before the divergence, if any.</summary>
    public string? LastCheckpoint { get; }
}
