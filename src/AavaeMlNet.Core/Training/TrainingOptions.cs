using AavaeMlNet.Model;

namespace AavaeMlNet.Training;

/// <summary>
/// Optimisation settings (paper Sec. 4): Adam, linear warmup then a CONSTANT learning rate, weight decay 0, fp32, as a
/// run resolved them (<see cref="AavaeSettings.Resolve"/>). A setting's default here is read from its one declaration:
/// <see cref="AavaeSettings"/>, or for the settings the recipe chooses, the paper's recipe
/// (<see cref="RecipeResolver"/>).
/// CIFAR-10 in the paper: lr 2.5e-4, batch 256; STL-10: lr 5e-4, batch 512. The loss decomposes over examples,
/// so the batch size can be chosen for the hardware (Fig. 4a); scale lr and warmup linearly with it.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>
    /// Number of passes over the data (the paper's 800 by default); null: the <see cref="TimeBudget"/> alone bounds the
    /// run.
    /// </summary>
    public int? Epochs { get; init; } = RecipeResolver.PaperEpochs;
    /// <summary>Images per optimisation step. A trailing batch of one image is dropped (BatchNorm needs two).</summary>
    public int BatchSize { get; init; } = RecipeResolver.PaperBatchSize;
    /// <summary>Adam learning rate after warmup (paper, CIFAR-10: 2.5e-4).</summary>
    public double LearningRate { get; init; } = RecipeResolver.PaperLearningRate;
    /// <summary>
    /// Length of the linear warmup in epochs (paper: 10); may be fractional. Null: <see cref="WarmupShare"/> of the
    /// planned run (<see cref="RunPlan"/>).
    /// </summary>
    public double? WarmupEpochs { get; init; } = RecipeResolver.PaperWarmupEpochs;
    /// <summary>
    /// With <see cref="WarmupEpochs"/> null: the warmup's share of the planned steps, at most
    /// <see cref="RunPlan.MaxSharedWarmupSteps"/> steps.
    /// </summary>
    public double WarmupShare { get; init; } = 0.05;
    /// <summary>
    /// The rate after warmup: Constant (paper), or Cosine / Linear decay to zero at the end of the run, counted in
    /// the planned steps (<see cref="RunPlan"/>: the epochs' steps, or what the <see cref="TimeBudget"/> allows).
    /// </summary>
    public LearningRateDecay Decay { get; init; } = RecipeResolver.DefaultDecay;
    /// <summary>Adam weight decay (paper: 0).</summary>
    public double WeightDecay { get; init; } = AavaeSettings.Default.WeightDecay;
    /// <summary>
    /// A step whose loss exceeds this many times the running mean of the losses before it is a spike: its update is
    /// not applied and the weights, BatchNorm statistics and Adam's moments go back to an in-memory copy from the last
    /// calm stretch (taken every 200 steps); training goes on with the next batches. The guard arms after the first
    /// 100 steps of a run and judges only while the running mean is positive (a learned log scale can take the loss
    /// below zero); a fourth spike in a row soon after rolling back ends the run with
    /// <see cref="TrainingDivergedException"/>. Null: no guard.
    /// </summary>
    public double? LossSpikeFactor { get; init; } = AavaeSettings.Default.LossSpikeFactor;
    /// <summary>Seed of the data order, the augmentations, the latent noise and the initial weights.</summary>
    public long Seed { get; init; } = AavaeSettings.DefaultSeed;
    /// <summary>Device to train on.</summary>
    public DeviceKind Device { get; init; } = AavaeSettings.Default.Device;
    /// <summary>Directory for checkpoints; null writes none.</summary>
    public string? CheckpointDirectory { get; init; }
    /// <summary>
    /// Write a checkpoint every this many epochs (and always after the last one and on cancellation).
    /// </summary>
    public int CheckpointEveryEpochs { get; init; } = AavaeSettings.Default.CheckpointEveryEpochs;
    /// <summary>
    /// Also write last.ckpt in the middle of an epoch once this much wall time has passed since the last checkpoint
    /// (default 10 minutes; null: none by time). The position is exact, so a resume continues bit for bit.
    /// </summary>
    public TimeSpan? CheckpointEvery { get; init; } = AavaeSettings.Default.CheckpointEvery;
    /// <summary>
    /// Also write last.ckpt after every step whose count is a multiple of this (null: none by steps).
    /// </summary>
    public int? CheckpointEverySteps { get; init; } = AavaeSettings.Default.CheckpointEverySteps;
    /// <summary>Also keep one numbered checkpoint per saved epoch (epoch-0005.ckpt) besides last.ckpt.</summary>
    public bool KeepEpochCheckpoints { get; init; } = false;
    /// <summary>Report progress every this many steps (epoch ends are always reported).</summary>
    public int LogEverySteps { get; init; } = DefaultLogEverySteps;

    /// <summary>The default of <see cref="LogEverySteps"/>.</summary>
    public const int DefaultLogEverySteps = 50;
    /// <summary>
    /// Wall-time budget of the run, the final BatchNorm recomputation included: training stops when what is left of
    /// it is the time the run needs to finish (<see cref="RunPlan"/>), writes a checkpoint and returns normally. The
    /// schedule (warmup, decay) is laid out against it from the step rate measured in the first steps. A resumed run
    /// continues against what is left of the same budget. Null: <see cref="Epochs"/> bound the run.
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }
    /// <summary>
    /// How the run's settings were chosen: one entry per setting of the recipe, the user's or the recipe's, and why
    /// (stored in checkpoints and model metadata). Empty when the options were built by hand.
    /// </summary>
    public IReadOnlyList<RecipeChoice> Recipe { get; init; } = [];
    /// <summary>Intra-op CPU threads for libtorch; null keeps libtorch's default (one per core).</summary>
    public int? Threads { get; init; } = AavaeSettings.Default.Threads;
    /// <summary>
    /// Arithmetic of the convolutions and linear layers: Auto (bf16 mixed where the hardware has native bf16, fp32
    /// elsewhere), Float32, or BFloat16Mixed. Resolved by
    /// <see cref="PrecisionSupport.Resolve(Precision, TorchSharp.torch.Device)"/>.
    /// </summary>
    public Precision Precision { get; init; } = AavaeSettings.Default.Precision;
    /// <summary>
    /// After the last step, recompute the encoder's and projection head's BatchNorm statistics on up to this many
    /// clean (un-augmented) training images (see <see cref="BatchNormRecalibration"/>); 0 keeps the statistics of
    /// the augmented views.
    /// </summary>
    public int CleanBatchNormImages { get; init; } = RecipeResolver.PaperCleanBatchNormImages;
    /// <summary>
    /// Decay d of an exponential moving average of the encoder's weights and BatchNorm statistics, updated after every
    /// step; the encoder ends the run with the average (then the clean BatchNorm recomputation, where set). 0 (the
    /// paper's): the last step's weights. See <see cref="WeightAverage"/>.
    /// </summary>
    public double WeightAverageDecay { get; init; } = RecipeResolver.PaperWeightAverageDecay;
    /// <summary>Run convolutions in the channels-last (NHWC) layout, which libtorch's oneDNN kernels prefer.</summary>
    public bool ChannelsLast { get; init; } = AavaeSettings.Default.ChannelsLast;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Require(Epochs is not < 1, nameof(Epochs), Epochs, "Epochs must be at least 1.");
        Require(Epochs is not null || TimeBudget is not null, nameof(Epochs), Epochs,
            "Set Epochs or TimeBudget: one of them must bound the run.");
        Require(BatchSize >= 2, nameof(BatchSize), BatchSize,
            "BatchSize must be at least 2 (BatchNorm needs two samples).");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate,
            "LearningRate must be a positive number.");
        Require(WarmupEpochs is not < 0, nameof(WarmupEpochs), WarmupEpochs, "WarmupEpochs must be >= 0.");
        Require(WarmupShare is >= 0 and < 1, nameof(WarmupShare), WarmupShare, "WarmupShare must be in [0, 1).");
        Require(LossSpikeFactor is not { } factor || factor > LossSpikeGuard.CalmRatio, nameof(LossSpikeFactor),
            LossSpikeFactor, $"LossSpikeFactor must be above {LossSpikeGuard.CalmRatio} (or null for no guard).");
        Require(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "WeightDecay must be >= 0.");
        Require(CheckpointEveryEpochs >= 1, nameof(CheckpointEveryEpochs), CheckpointEveryEpochs,
            "CheckpointEveryEpochs must be at least 1.");
        Require(CheckpointEvery is not { } every || every > TimeSpan.Zero, nameof(CheckpointEvery), CheckpointEvery,
            "CheckpointEvery must be positive (or null for no checkpoints by time).");
        Require(CheckpointEverySteps is not < 1, nameof(CheckpointEverySteps), CheckpointEverySteps,
            "CheckpointEverySteps must be at least 1 (or null for no checkpoints by steps).");
        Require(LogEverySteps >= 1, nameof(LogEverySteps), LogEverySteps, "LogEverySteps must be at least 1.");
        Require(TimeBudget is not { } budget || budget > TimeSpan.Zero, nameof(TimeBudget), TimeBudget,
            "TimeBudget must be positive.");
        Require(CleanBatchNormImages >= 0, nameof(CleanBatchNormImages), CleanBatchNormImages,
            "CleanBatchNormImages must be >= 0.");
        Require(WeightAverageDecay is >= 0 and < 1, nameof(WeightAverageDecay), WeightAverageDecay,
            "WeightAverageDecay must be in [0, 1) (0: no average).");
        Require(Enum.IsDefined(Decay), nameof(Decay), Decay, "Decay must be Constant, Cosine, Linear or Cooldown.");
        Require(Enum.IsDefined(Precision), nameof(Precision), Precision,
            "Precision must be Auto, Float32 or BFloat16Mixed.");
        Require(Threads is not < 1, nameof(Threads), Threads, "Threads must be at least 1.");
    }

    private static void Require(bool valid, string name, object? value, string message)
    {
        if (!valid) throw new ArgumentOutOfRangeException(name, value, message);
    }
}
