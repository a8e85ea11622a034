using System.Globalization;
using AavaeMlNet.Text;

namespace AavaeMlNet.Training;

/// <summary>
/// A run laid out against its bounds: how many steps it plans, how many of them warm up, and, with a
/// <see cref="TrainingOptions.TimeBudget"/>, when training must stop so that the run (the final BatchNorm
/// recomputation and the saving included) ends within the budget. Without a budget the epochs settle the plan at
/// once; with one the plan is settled from the step rate measured over steps
/// <see cref="CalibrationSkipSteps"/>..<see cref="CalibrationEndStep"/> and re-estimated as the run goes, while the
/// warmup, once settled, stays.
/// </summary>
/// <param name="StepsPerEpoch">Steps in one epoch of the run's data.</param>
/// <param name="WarmupSteps">Steps of the linear warmup.</param>
/// <param name="PlannedSteps">Steps the run expects to take in all (its epochs, or what its budget allows).</param>
/// <param name="Settled">False until a budgeted run has measured its step rate; the warmup then climbs at the
/// slope of the longest warmup (<see cref="MaxSharedWarmupSteps"/>) or the explicit one.</param>
/// <param name="SecondsPerStep">The measured step time (0 until measured).</param>
public sealed record RunPlan(
    int StepsPerEpoch, long WarmupSteps, long PlannedSteps, bool Settled, double SecondsPerStep = 0)
{
    /// <summary>
    /// The longest warmup a share of the run gives (the Fashion-MNIST hour warmed up over 860 steps).
    /// </summary>
    public const long MaxSharedWarmupSteps = 1000;

    /// <summary>First steps left out of the rate measurement (kernel selection and caches make them slow).</summary>
    public const int CalibrationSkipSteps = 2;

    /// <summary>The step after which a budgeted run's step rate is measured and its plan settled.</summary>
    public const int CalibrationEndStep = 12;

    /// <summary>
    /// Share of the budget kept for finishing the run (building the transformer, saving), at least 2 s.
    /// </summary>
    public const double FinishShare = 0.01;

    /// <summary>
    /// Forward-only cost of a clean image in the BatchNorm recomputation, as a share of a training step's.
    /// </summary>
    public const double CleanImageCost = 0.35;

    /// <summary>The plan before anything is measured.</summary>
    public static RunPlan Initial(TrainingOptions options, int stepsPerEpoch)
    {
        long? epochSteps = EpochSteps(options, stepsPerEpoch);
        if (options.TimeBudget is null && epochSteps is { } total)
            return new RunPlan(stepsPerEpoch, Warmup(options, stepsPerEpoch, total), total, Settled: true);
        // Until the rate is measured: the explicit warmup, the share of the epochs' steps, or the longest warmup.
        long provisional = options.WarmupEpochs is not null || epochSteps is not null
            ? Warmup(options, stepsPerEpoch, epochSteps ?? 0)
            : MaxSharedWarmupSteps;
        return new RunPlan(stepsPerEpoch, provisional, epochSteps ?? long.MaxValue, Settled: false);
    }

    /// <summary>
    /// The plan of a budgeted run at <paramref name="step"/> with <paramref name="left"/> of training time before the
    /// deadline and a measured <paramref name="secondsPerStep"/>. The first call settles the warmup; later ones only
    /// move the planned end.
    /// </summary>
    public RunPlan Estimate(TrainingOptions options, long step, double secondsPerStep, TimeSpan left)
    {
        long more = secondsPerStep > 0 ? (long)Math.Max(0, left.TotalSeconds / secondsPerStep) : 0;
        long planned = Math.Max(step, step + more);
        if (EpochSteps(options, StepsPerEpoch) is { } bound) planned = Math.Min(planned, bound);
        long warmup = Settled ? WarmupSteps : Warmup(options, StepsPerEpoch, planned);
        return this with
        {
            WarmupSteps = warmup, PlannedSteps = planned, Settled = true, SecondsPerStep = secondsPerStep,
        };
    }

    /// <summary>
    /// Wall time a budgeted run keeps after its last step: the BatchNorm recomputation on clean images (forward only)
    /// and <see cref="FinishShare"/> of the budget (at least 2 s) for the transformer and the saving.
    /// </summary>
    public static TimeSpan Reserve(TrainingOptions options, double secondsPerStep)
    {
        if (options.TimeBudget is not { } budget) return TimeSpan.Zero;
        double clean = Math.Ceiling((double)options.CleanBatchNormImages / options.BatchSize) * secondsPerStep
                       * CleanImageCost;
        return TimeSpan.FromSeconds(clean + Math.Max(2, FinishShare * budget.TotalSeconds));
    }

    /// <summary>
    /// Warnings about settings that defeat the run, each saying what will happen and what to change: a batch larger
    /// than the data, a warmup that covers most of the run, a budget shorter than one epoch.
    /// </summary>
    public IReadOnlyList<string> Warnings(TrainingOptions options, long images)
    {
        var warnings = new List<string>();
        var invariant = CultureInfo.InvariantCulture;
        if (options.BatchSize > images)
            warnings.Add($"BatchSize {options.BatchSize} is larger than the {images:N0} images: every epoch is one " +
                $"step over all of them. Set BatchSize to at most {Math.Max(2, images / 4)} (or leave it unset: the " +
                "recipe takes a quarter of a small data set) for several steps per epoch.");
        if (!Settled || PlannedSteps == long.MaxValue) return warnings;
        if (options.WarmupEpochs is { } epochs && WarmupSteps >= PlannedSteps / 2 && WarmupSteps > 0)
        {
            string reach = WarmupSteps >= PlannedSteps
                ? "never reaches LearningRate"
                : $"reaches LearningRate only after {(double)WarmupSteps / PlannedSteps:P0} of the run";
            double suggested = 0.05 * PlannedSteps / StepsPerEpoch;
            warnings.Add($"WarmupEpochs {epochs.ToString(invariant)} is {WarmupSteps:N0} steps and the run plans " +
                $"{PlannedSteps:N0}: the learning rate {reach}. Set WarmupEpochs to about " +
                $"{suggested.ToString("0.##", invariant)} (5 % of the run), leave it unset (the recipe's 5 %), or " +
                "give the run more time.");
        }
        if (options.TimeBudget is { } budget && PlannedSteps < StepsPerEpoch && SecondsPerStep > 0)
        {
            var epoch = TimeSpan.FromSeconds(StepsPerEpoch * SecondsPerStep);
            warnings.Add($"TimeBudget {Duration.ToText(budget)} allows about {PlannedSteps:N0} steps, fewer than the " +
                $"{StepsPerEpoch:N0} of one epoch: only about {(double)PlannedSteps / StepsPerEpoch:P0} of the " +
                $"{images:N0} images will be seen, once. One epoch takes about {Duration.Format(epoch)} here: raise " +
                "TimeBudget above that, or pretrain on fewer images.");
        }
        return warnings;
    }

    /// <summary>One line for the run's log.</summary>
    public string Describe(int batchSize)
    {
        string rate = SecondsPerStep > 0
            ? string.Create(CultureInfo.InvariantCulture, $", measured {batchSize / SecondsPerStep:F0} images/s")
            : "";
        string epochs = string.Create(CultureInfo.InvariantCulture, $"{(double)PlannedSteps / StepsPerEpoch:0.#}");
        return $"Plan: {PlannedSteps:N0} steps ({epochs} x {StepsPerEpoch:N0}-step epochs), warmup " +
               $"{WarmupSteps:N0} steps{rate}.";
    }

    private static long? EpochSteps(TrainingOptions options, int stepsPerEpoch) =>
        options.Epochs is { } epochs ? (long)epochs * stepsPerEpoch : null;

    private static long Warmup(TrainingOptions options, int stepsPerEpoch, long planned) =>
        options.WarmupEpochs is { } epochs
            ? (long)Math.Round(epochs * stepsPerEpoch)
            : Math.Min(MaxSharedWarmupSteps, (long)Math.Round(options.WarmupShare * planned));
}
