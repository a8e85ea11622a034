using AavaeMlNet.Model;

namespace AavaeMlNet.Training;

/// <summary>Resuming a run from its checkpoint: position, plan, budget and the data it was trained on.</summary>
public sealed partial class AavaeTrainer
{
    /// <summary>
    /// Continues the run saved in <paramref name="checkpointPath"/> exactly where it stopped: same weights, optimizer
    /// moments, step, data order and random streams. <paramref name="epochs"/> may extend the run.
    /// </summary>
    /// A budgeted run continues against what is left of its budget, with its plan (warmup and schedule) unchanged.
    public static AavaeTrainer Resume(string checkpointPath, int? epochs = null, DeviceKind? device = null) =>
        Resume(checkpointPath, epochs, device, CpuBf16Features.Current);

    /// <summary>As the public <c>Resume</c>, with the CPU's bf16 features and the budget's clock given.</summary>
    internal static AavaeTrainer Resume(string checkpointPath, int? epochs, DeviceKind? device, CpuBf16Features cpu,
        TimeProvider? time = null)
    {
        var header = Checkpoint.ReadHeader(checkpointPath);
        var options = header.Training with
        {
            Epochs = epochs ?? header.Training.Epochs,
            Device = device ?? header.Training.Device,
        };
        var trainer = new AavaeTrainer(header.Config, header.Augmentation, options, cpu, time);
        try
        {
            // Loaded in place, on the run's device (see WriteCheckpoint): the optimizer keeps the model's parameters.
            Checkpoint.Restore(checkpointPath, trainer.Model, trainer.optimizer, trainer.Generators, trainer.average);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        trainer.epoch = header.Epoch;
        trainer.stepInEpoch = header.StepInEpoch;
        trainer.step = header.Step;
        trainer.lastCheckpoint = Path.GetFullPath(checkpointPath);
        trainer.plan = header.Plan;
        trainer.budgetSpent = header.BudgetSpent;
        trainer.dataTrained = header.Data;
        return trainer;
    }

    /// <summary>
    /// Whether a resumed run may continue on data other than the data its checkpoint was written for (another count,
    /// shape or first images): it then keeps its weights, optimizer state, step count and schedule and starts the next
    /// epoch with a warning. False (the default) refuses such a resume and names each difference.
    /// </summary>
    public bool ResumeOnOtherData { get; set; }

    // A resumed run continues on the data it was written for or, where allowed, on other data from an epoch's start.
    private void CheckResumedData(DataFingerprint? current)
    {
        if (dataTrained is { } recorded && current?.DifferencesFrom(recorded) is { Count: > 0 } differences)
        {
            string what = string.Join("; ", differences);
            if (!ResumeOnOtherData)
                throw new InvalidOperationException(
                    $"Checkpoint '{lastCheckpoint}' was written for other training data: {what}. Resume on the data " +
                    $"it was trained on, or set {nameof(ResumeOnOtherData)} to continue its weights, optimizer state " +
                    "and schedule on this data from the start of an epoch.");
            if (stepInEpoch > 0) (epoch, stepInEpoch) = (epoch + 1, 0);
            Warn([$"Continuing the run of checkpoint '{lastCheckpoint}' on other training data ({what}): its " +
                  $"weights, optimizer state, {step:N0} steps and schedule carry on from the start of epoch " +
                  $"{epoch + 1}."]);
        }
        dataTrained = current;
    }
}
