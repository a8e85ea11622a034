using AavaeMlNet.Evaluation.Baselines;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// Settings of the Fashion-MNIST demo: the library's defaults (the CPU recipe) with a five-minute budget, so the main
/// job shows what a user gets who sets nothing but the time they can wait.
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
    /// <summary>
    /// Label budgets of the label-efficiency plot (AAVAE against raw pixels; the full-label probe is its last point).
    /// </summary>
    public IReadOnlyList<LabelBudget> Labels { get; init; }
        = LabelBudget.ParseList("10/class,50/class,100/class,500/class");
    /// <summary>
    /// Baselines scored beside the AAVAE embedding (<see cref="BaselineFeaturizer.Known"/>): raw pixels by default;
    /// ML.NET's ImageNet featurizer takes about 50 minutes on two cores the first time (70,000 images), then its
    /// features come from <see cref="FeatureCacheDirectory"/>.
    /// </summary>
    public IReadOnlyList<string> Baselines { get; init; } = ["raw"];
    /// <summary>Where baseline features are kept between runs.</summary>
    public string FeatureCacheDirectory { get; init; } = FeatureCache.DefaultDirectory;
    /// <summary>Every model, view and training setting: the library's defaults with <see cref="Budget"/>.</summary>
    public AavaeSettings Settings { get; init; } = new() { TimeBudget = Budget, Seed = AavaeSettings.DefaultSeed };

    /// <summary>The main job's pretraining budget.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(5);
}
