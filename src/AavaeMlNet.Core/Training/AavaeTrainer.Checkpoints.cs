namespace AavaeMlNet.Training;

/// <summary>Writing checkpoints during a run: when one is due inside an epoch, and the atomic write.</summary>
public sealed partial class AavaeTrainer
{
    // By steps: every step count that is a multiple of the setting, so the schedule survives a resume unchanged.
    // By time: since the last checkpoint of any kind, or since this Fit began.
    private bool MidEpochCheckpointDue() =>
        Options.CheckpointDirectory is not null
        && ((Options.CheckpointEverySteps is { } steps && step % steps == 0)
            || (Options.CheckpointEvery is { } every && time.GetElapsedTime(lastCheckpointTimestamp) >= every));

    /// <summary>Writes a checkpoint of the current position now (no-op without a checkpoint directory).</summary>
    public string? WriteCheckpoint(int stepsPerEpoch, bool numbered) =>
        WriteCheckpoint(stepsPerEpoch, numbered, budgetSpent);

    private string? WriteCheckpoint(int stepsPerEpoch, bool numbered, TimeSpan spent)
    {
        if (Options.CheckpointDirectory is not { } directory) return null;
        var header = new CheckpointHeader(
            Model.Config, augmentation.Options, Options, epoch, stepInEpoch, step, stepsPerEpoch, Precision)
        {
            Plan = plan,
            BudgetSpent = spent,
            Data = dataTrained,
        };
        // Written from where the tensors live: TorchSharp copies each one to the CPU as it writes it. Moving the model
        // to the CPU and back instead would, on CUDA, replace its Parameter objects with new ones while the optimizer
        // kept updating the old ones, and the run would silently stop learning after its first checkpoint.
        string latest = Path.Combine(directory, Checkpoint.LatestFileName);
        // After a Fit the model holds the average: the checkpoint keeps the run's own weights, to resume from.
        bool handedOver = averageHandedOver;
        HandBackAverage();
        Checkpoint.Save(latest, header, Model, optimizer, Generators, average);
        if (handedOver) HandOverAverage();
        if (numbered) File.Copy(latest, Path.Combine(directory, $"epoch-{epoch:D4}.ckpt"), overwrite: true);
        lastCheckpoint = Path.GetFullPath(latest);
        lastCheckpointTimestamp = time.GetTimestamp();
        CheckpointSaved?.Invoke(new CheckpointSaved(lastCheckpoint, header.Epoch, header.StepInEpoch, stepsPerEpoch,
            header.Step, new FileInfo(lastCheckpoint).Length));
        return lastCheckpoint;
    }
}
