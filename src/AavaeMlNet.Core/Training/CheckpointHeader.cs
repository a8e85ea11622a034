using System.Text.Json;
using System.Text.Json.Serialization;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;

namespace AavaeMlNet.Training;

/// <summary>
/// What a checkpoint says about itself: the architecture, the view distribution, the training settings and where
/// in the run it was taken. Readable without loading any weights.
/// </summary>
/// <param name="Config">Architecture and objective; a resume rebuilds the model from it.</param>
/// <param name="Augmentation">The view distribution A(x).</param>
/// <param name="Training">The optimisation settings of the run.</param>
/// <param name="Epoch">0-based epoch to continue from.</param>
/// <param name="StepInEpoch">Steps of <paramref name="Epoch"/> already taken (0 at an epoch boundary).</param>
/// <param name="Step">Optimisation steps taken in total.</param>
/// <param name="StepsPerEpoch">Steps in a full epoch of the run's data.</param>
/// <param name="ComputePrecision">
/// The precision the run computed in (<see cref="TrainingOptions.Precision"/> resolved on the machine that wrote the
/// checkpoint); a resume resolves the requested one again on its own machine.
/// </param>
public sealed record CheckpointHeader(
    AavaeConfig Config, AugmentationOptions Augmentation, TrainingOptions Training,
    int Epoch, int StepInEpoch, long Step, int StepsPerEpoch, Precision ComputePrecision = Precision.Float32)
{
    /// <summary>The run's plan when the checkpoint was written (null: none yet); a resume keeps it.</summary>
    public RunPlan? Plan { get; init; }

    /// <summary>Wall time of the <see cref="TrainingOptions.TimeBudget"/> spent up to this checkpoint.</summary>
    public TimeSpan BudgetSpent { get; init; }

    /// <summary>The data the run trained on (null: its source could not tell); a resume on other data is refused.
    /// </summary>
    public DataFingerprint? Data { get; init; }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        IncludeFields = true,
        Converters = { new JsonStringEnumConverter() },
    };

    internal string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    internal static CheckpointHeader FromJson(string json, string path) =>
        JsonSerializer.Deserialize<CheckpointHeader>(json, JsonOptions)
        ?? throw new InvalidDataException($"Checkpoint '{path}' has an empty header.");
}
