using AavaeMlNet.Training;
using AavaeMlNet.Model;
using AavaeMlNet.Evaluation.LabelEfficiency;
namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// Shared settings of a Fashion-MNIST experiment (a sweep of pretraining runs, each scored by the same probes).
/// Every run in a sweep gets the same budget: the same images and epochs, or the same wall time.
/// </summary>
public sealed record ExperimentOptions
{
    public string OutputDirectory { get; init; } = "aavae-experiment";
    public string DataDirectory { get; init; } = new FashionMnistDemoOptions().DataDirectory;
    /// <summary>Images of the 55,000-image pretrain split used for pretraining.</summary>
    public int PretrainImages { get; init; } = 55_000;
    /// <summary>Labelled images of the pretrain split used to fit the final probes.</summary>
    public int ProbeTrainImages { get; init; } = 55_000;
    /// <summary>
    /// Labelled pretrain-split images the per-epoch online probe is fitted on; it is scored on the whole 5,000-image
    /// validation split. 0 disables it.
    /// </summary>
    public int OnlineProbeImages { get; init; } = 2_000;
    /// <summary>Label budgets of the label-efficiency table (on the probe-train images, scored on the test set).</summary>
    public IReadOnlyList<LabelBudget> Labels { get; init; } = LabelBudget.ParseList("100/class,1%,10%");
    public int Epochs { get; init; } = 10;
    /// <summary>Wall-time budget per run; null runs all epochs.</summary>
    public TimeSpan? TimeLimit { get; init; }
    public int BatchSize { get; init; } = 128;
    public double WidthMultiplier { get; init; } = 0.25;
    public int LatentDim { get; init; } = 128;
    public double LearningRate { get; init; } = 1e-3;
    public double WarmupEpochs { get; init; } = 1;
    public long Seed { get; init; } = 42;
    public int? Threads { get; init; }
    /// <summary>Arithmetic of convolutions and linear layers (Auto: bf16 mixed where the CPU has native bf16).</summary>
    public Precision Precision { get; init; } = Precision.Auto;
    /// <summary>Learning rate after warmup.</summary>
    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Constant;
    /// <summary>Changes to the preset's view distribution.</summary>
    public ViewOverrides View { get; init; } = new();
    /// <summary>Clean images on which the BatchNorm statistics are recomputed after pretraining (0: off).</summary>
    public int CleanBatchNormImages { get; init; } = 5000;
}
