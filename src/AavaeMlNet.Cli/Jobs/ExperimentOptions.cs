using AavaeMlNet.Evaluation.Baselines;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Training;

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
    /// <summary>
    /// Label budgets of the label-efficiency table (on the probe-train images, scored on the test set).
    /// </summary>
    public IReadOnlyList<LabelBudget> Labels { get; init; } = LabelBudget.ParseList("100/class,1%,10%");
    /// <summary>
    /// L2 weight of the final linear probes (raw pixels, full labels and each budget), or several to choose from on a
    /// stratified 10% held out of the probe's training images (<see cref="LinearProbe.Options.L2Candidates"/>);
    /// none: L-BFGS's default, <see cref="LinearProbe.DefaultLbfgsL2"/>.
    /// </summary>
    public IReadOnlyList<float> ProbeL2 { get; init; } = [];
    /// <summary>Baselines scored beside the runs (<see cref="BaselineFeaturizer.Known"/>); raw pixels by default.
    /// </summary>
    public IReadOnlyList<string> Baselines { get; init; } = ["raw"];
    /// <summary>Where baseline features are kept between runs.</summary>
    public string FeatureCacheDirectory { get; init; } = FeatureCache.DefaultDirectory;
    /// <summary>
    /// <c>--set NAME=V1,V2</c> texts: every run of the sweep is repeated at each combination of these values
    /// (<see cref="SettingGrid"/>).
    /// </summary>
    public IReadOnlyList<string> Set { get; init; } = [];
    /// <summary>
    /// The settings every run starts from (a sweep departs from them): the library's defaults, the CPU recipe.
    /// <see cref="AavaeSettings.TimeBudget"/> is the per-run wall-time budget.
    /// </summary>
    public AavaeSettings Settings { get; init; } = new() { Seed = AavaeSettings.DefaultSeed };
}
