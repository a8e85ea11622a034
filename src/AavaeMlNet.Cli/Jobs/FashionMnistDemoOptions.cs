using AavaeMlNet.Training;
using AavaeMlNet.Model;
using AavaeMlNet.Evaluation.LabelEfficiency;
namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// Settings of the main job: AAVAE on Fashion-MNIST with a CPU preset (a quarter-width ResNet-18), sized to finish in
/// a few minutes on two cores. Raise the image counts and epochs for a better representation.
/// </summary>
public sealed record FashionMnistDemoOptions
{
    /// <summary>Where the report, model and plots go.</summary>
    public string OutputDirectory { get; init; } = "aavae-output";
    /// <summary>Download directory used when the Debian package cannot be installed.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "aavae-data", "fashion-mnist");
    /// <summary>Images of the manifest's 55,000-image pretrain split used for pretraining (labels unused).</summary>
    public int PretrainImages { get; init; } = 20_000;
    /// <summary>Labelled images of the pretrain split used to fit the linear probes.</summary>
    public int ProbeTrainImages { get; init; } = 10_000;
    /// <summary>Pretraining epochs.</summary>
    public int Epochs { get; init; } = 3;
    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Width multiplier of the ResNet-18 encoder.</summary>
    public double WidthMultiplier { get; init; } = 0.25;
    /// <summary>Adam learning rate after warmup.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Warmup in epochs.</summary>
    public double WarmupEpochs { get; init; } = 0.5;
    /// <summary>Seed of everything random.</summary>
    public long Seed { get; init; } = 42;
    /// <summary>libtorch threads (null: one per core).</summary>
    public int? Threads { get; init; }
    /// <summary>Arithmetic of convolutions and linear layers (Auto: bf16 mixed where the CPU has native bf16).</summary>
    public Precision Precision { get; init; } = Precision.Auto;
    /// <summary>Learning rate after warmup.</summary>
    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Constant;
    /// <summary>Changes to the preset's view distribution.</summary>
    public ViewOverrides View { get; init; } = new();
    /// <summary>
    /// Label budgets of the label-efficiency plot (AAVAE against raw pixels; the full-label probe is its last point).
    /// </summary>
    public IReadOnlyList<LabelBudget> Labels { get; init; }
        = LabelBudget.ParseList("10/class,50/class,100/class,500/class");
    /// <summary>Clean images on which the BatchNorm statistics are recomputed after pretraining (0: off).</summary>
    public int CleanBatchNormImages { get; init; } = 5000;
}
