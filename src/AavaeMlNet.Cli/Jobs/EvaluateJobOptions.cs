using AavaeMlNet.Data.Readers;
using AavaeMlNet.Evaluation.Baselines;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Model;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>Which read-out `aavae evaluate` fits on the frozen embeddings.</summary>
public enum ProbeKind
{
    /// <summary>Standardize + L-BFGS maximum entropy (LinearProbe's default).</summary>
    Lbfgs,
    /// <summary>Standardize + SDCA maximum entropy.</summary>
    Sdca,
    /// <summary>One-versus-all FastTree (not linear; a reference).</summary>
    FastTree,
    /// <summary>The paper's protocol: one Linear layer, SGD + Nesterov, cosine schedule, 90 epochs.</summary>
    Paper,
}

/// <summary>Settings of `aavae evaluate`.</summary>
public sealed record EvaluateJobOptions
{
    /// <summary>ML.NET model zips to embed with (their ONNX encoders), each PATH or NAME=PATH.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
    /// <summary>Also evaluate each model through its int8 encoder (X.int8.onnx), as a row "NAME (int8)".</summary>
    public bool Int8 { get; init; }
    /// <summary>
    /// TorchSharp checkpoints (encoder.ckpt of pretrain, encoder-NAME.ckpt of experiment) to embed with, each PATH or
    /// NAME=PATH: their embeddings (h, then the grid they were trained with or each of <see cref="EmbeddingGrids"/>)
    /// computed by TorchSharp, as the experiment's probes compute them.
    /// </summary>
    public IReadOnlyList<string> Checkpoints { get; init; } = [];
    /// <summary>
    /// Embedding grids to read each checkpoint with, one row each (<see cref="AavaeConfig.EmbeddingGrid"/>; the grid
    /// has no weights); empty: the grid each was trained with.
    /// </summary>
    public IReadOnlyList<int> EmbeddingGrids { get; init; } = [];
    /// <summary>
    /// Baselines scored beside the models on the same images with the same probes (identifiers of
    /// <see cref="BaselineFeaturizer.Known"/>: raw pixels, ML.NET's ImageNet featurizers).
    /// </summary>
    public IReadOnlyList<string> Baselines { get; init; } = [];
    /// <summary>Where baseline features are kept between runs.</summary>
    public string FeatureCacheDirectory { get; init; } = FeatureCache.DefaultDirectory;
    /// <summary>Labelled input to fit the probe on (see <see cref="ImageInputs"/>).</summary>
    public required string Train { get; init; }
    /// <summary>Labelled input to measure on.</summary>
    public required string Test { get; init; }
    public string? TrainLabels { get; init; }
    public string? TestLabels { get; init; }
    public string? DataDirectory { get; init; }
    public ProbeKind Probe { get; init; } = ProbeKind.Lbfgs;
    /// <summary>Neighbour counts of the kNN classifier; empty: no kNN.</summary>
    public IReadOnlyList<int> KnnK { get; init; } = [20, 200];
    /// <summary>
    /// Label budgets of the label-efficiency table (linear probe on stratified, seeded subsets of the train input);
    /// empty: none. With the paper probe the table uses the L-BFGS linear probe.
    /// </summary>
    public IReadOnlyList<LabelBudget> Labels { get; init; } = [];
    /// <summary>
    /// L2 weight of the linear probes, or several to choose from on a held-out 10% of the train input (per label
    /// budget too; see <see cref="LinearProbe.Options.L2Candidates"/>); none: the trainer's default.
    /// </summary>
    public IReadOnlyList<float> ProbeL2 { get; init; } = [];
    /// <summary>Seed of the label subsets.</summary>
    public ulong LabelSeed { get; init; }
    public string Column { get; init; } = "Embedding";
    public int ChunkSize { get; init; } = 1024;
    /// <summary>Where metrics.json and report.md go; null writes none.</summary>
    public string? ReportDirectory { get; init; }
    /// <summary>
    /// Unreadable files of folder inputs: Throw (the default: accuracies over a silently smaller set would mislead) or
    /// Skip, listing them in &lt;report directory, else the current one&gt;/rejects.csv.
    /// </summary>
    public UndecodableImagePolicy OnBadImage { get; init; } = UndecodableImagePolicy.Throw;
}
