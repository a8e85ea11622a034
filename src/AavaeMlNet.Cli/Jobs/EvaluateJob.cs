using AavaeMlNet.Data.Readers;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Knn;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.Io;
using AavaeMlNet.Training;
using Microsoft.ML;

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
    /// <summary>The ML.NET model zip to embed with (its ONNX encoder); null: <see cref="Checkpoint"/>.</summary>
    public string? ModelPath { get; init; }
    /// <summary>
    /// A TorchSharp checkpoint (encoder.ckpt of pretrain, encoder-NAME.ckpt of experiment) to embed with instead: its
    /// backbone features h computed by TorchSharp, as the experiment's probes compute them.
    /// </summary>
    public string? Checkpoint { get; init; }
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

/// <summary>`aavae evaluate`: a probe and kNN on the embeddings of a saved model.</summary>
public static class EvaluateJob
{
    public static EvaluationReport Run(EvaluateJobOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        if (options.KnnK.Any(k => k < 1)) throw new ArgumentException("--knn-k values must be positive.");
        if (options.Probe == ProbeKind.FastTree && options.ProbeL2.Count > 0)
            throw new ArgumentException(
                "--probe-l2 applies to the linear probes (lbfgs, sdca, and the label-efficiency table of paper); " +
                "fasttree has no L2 weight.");
        if ((options.ModelPath is null) == (options.Checkpoint is null))
            throw new ArgumentException("Give exactly one of --model model.zip and --checkpoint encoder.ckpt.");
        string modelPath = (options.ModelPath ?? options.Checkpoint)!;
        string modelName = Path.GetFileName(modelPath);
        if (options.Checkpoint is not null && options.Column != "Embedding")
            throw new ArgumentException(
                $"--column '{options.Column}' names a column of a model zip; a checkpoint gives its backbone " +
                "features (the Embedding column).");
        var embedder = options.Checkpoint is { } checkpoint
            ? CheckpointEmbedder(checkpoint)
            : ModelEmbedderOf(ModelEmbedder.Load(new MLContext(0), modelPath, options.Column), options.ChunkSize);
        using var owned = embedder.Owned;
        var trainRejects = options.OnBadImage == UndecodableImagePolicy.Skip ? new RejectsFile() : null;
        var testRejects = trainRejects is null ? null : new RejectsFile();
        var (train, trainLabels, trainInfo) =
            EmbedLabelled(embedder, options.Train, options.TrainLabels, options, trainRejects, cancellationToken);
        var (test, testLabels, _) =
            EmbedLabelled(embedder, options.Test, options.TestLabels, options, testRejects, cancellationToken);
        log.WriteLine($"Embedded {train.Count:N0} train and {test.Count:N0} test images ({embedder.Size} dimensions).");
        if (trainRejects is not null && testRejects is not null)
        {
            string rejects = Path.GetFullPath(Path.Combine(options.ReportDirectory ?? ".", "rejects.csv"));
            AtomicFile.WriteAllText(rejects, RejectsFile.Format([.. trainRejects.Images, .. testRejects.Images]));
            log.WriteLine(
                $"Skipped {trainRejects.Count + testRejects.Count:N0} unreadable image(s); listed in {rejects}.");
        }

        var results = new List<EvaluationResult>();
        string probeName = ProbeName(options.Probe);
        var linear = new LinearProbe.Options { Trainer = TrainerOf(options.Probe) }.WithL2(options.ProbeL2);
        double probeAccuracy;
        string l2 = "";
        if (options.Probe == ProbeKind.Paper)
        {
            probeAccuracy = RunPaperProbe(train, trainLabels, test, testLabels, cancellationToken);
        }
        else
        {
            var fitted = LinearProbe.TrainAndEvaluate(train, trainLabels, test, testLabels, linear);
            probeAccuracy = fitted.Accuracy;
            l2 = LinearProbe.DescribeL2(fitted);
            log.WriteLine($"{probeName}: {l2}.");
        }
        results.Add(new EvaluationResult(modelName, probeName, probeAccuracy));
        var budgets = LabelEfficiencyProbe.Run(train, trainLabels, test, testLabels, options.Labels,
            linear, options.LabelSeed, cancellationToken);
        foreach (var point in budgets)
            results.Add(new EvaluationResult(modelName,
                $"linear probe, {point.Budget} labels ({point.Images:N0} images)", point.Accuracy));
        foreach (int k in options.KnnK)
        {
            double accuracy =
                KnnClassifier.Accuracy(train, trainLabels, test, testLabels, new KnnClassifier.Options { K = k },
                cancellationToken);
            results.Add(
                new EvaluationResult(modelName, $"kNN k={k} (cosine, weighted, T=0.07)",
                accuracy));
        }

        var report = new EvaluationReport(
            $"Evaluation of {modelName}",
            $"{options.Test} ({test.Count:N0} images, {trainInfo.ClassNames.Count} classes)",
            results,
            results.ToDictionary(r => MetricName(r.Protocol), r => r.Accuracy),
            new Dictionary<string, string>
            {
                ["model"] = Path.GetFullPath(modelPath),
                ["train"] = options.Train,
                ["test"] = options.Test,
                ["train_images"] = train.Count.ToString(),
                ["embedding_size"] = embedder.Size.ToString(),
                ["probe"] = probeName,
                ["probe_l2"] = l2,
                ["label_budget_l2"] = string.Join(", ", budgets.Select(p =>
                    $"{p.Budget}: {LinearProbe.FormatL2(p.L2Regularization)}")),
            });
        if (options.ReportDirectory is { } directory)
        {
            ReportWriter.WriteJson(Path.Combine(directory, "metrics.json"), report);
            ReportWriter.WriteMarkdown(Path.Combine(directory, "report.md"), report);
            if (budgets.Count > 0)
                LabelEfficiencyPlot.Write(Path.Combine(directory, "label-efficiency.png"),
                    [(modelName, [.. budgets.Select(p => (p.Images, p.Accuracy))])],
                    $"Label efficiency, {options.Test}");
        }
        return report;
    }

    /// <summary>What embeds the labelled inputs: a model zip or a checkpoint.</summary>
    private sealed record Embedder((int Channels, int Height, int Width) Shape, int Size,
        Func<ImageSource, CancellationToken, (EmbeddingMatrix Embeddings, int[] Labels)> EmbedAll,
        IDisposable? Owned = null);

    private static Embedder ModelEmbedderOf(ModelEmbedder embedder, int chunkSize) =>
        new(embedder.Shape, embedder.Size, (source, cancellationToken) =>
        {
            var (values, labels, count) = embedder.EmbedAll(source, chunkSize, cancellationToken);
            return (new EmbeddingMatrix(values, count, embedder.Size), labels);
        });

    private static Embedder CheckpointEmbedder(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        var (model, header) = Checkpoint.LoadModel(path);
        return new((model.Config.Channels, model.Config.Height, model.Config.Width), model.Config.FeatureDim,
            (source, cancellationToken) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pixels = LabelledPixels.Read(source);
                return (FrozenFeatures.Compute(model, header.Augmentation.Normalization, pixels.Pixels, pixels.Count),
                    pixels.Labels);
            }, model);
    }

    private static (EmbeddingMatrix Embeddings, int[] Labels, ImageSetInfo Info) EmbedLabelled(Embedder embedder,
        string input, string? labels, EvaluateJobOptions options, RejectsFile? rejects,
        CancellationToken cancellationToken)
    {
        var source = ImageInputs.Open(input, embedder.Shape, labels, options.DataDirectory, rejects);
        if (!source.Info.HasLabels)
            throw new ArgumentException(
                $"Input '{input}' has no labels: evaluation needs a labelled folder (class subfolders), " +
                "IDX labels or a labelled manifest part.");
        var (embeddings, classes) = embedder.EmbedAll(source, cancellationToken);
        if (embeddings.Count == 0) throw new ArgumentException($"Input '{input}' holds no images.");
        return (embeddings, classes, source.Info);
    }

    private static double RunPaperProbe(EmbeddingMatrix train, int[] trainLabels, EmbeddingMatrix test,
        int[] testLabels, CancellationToken cancellationToken)
    {
        using var result =
            PaperProbe.TrainAndEvaluate(train, trainLabels, test, testLabels, new PaperProbe.Options(),
            cancellationToken);
        return result.Accuracy;
    }

    private static ProbeTrainer TrainerOf(ProbeKind kind) => kind switch
    {
        ProbeKind.Sdca => ProbeTrainer.SdcaMaximumEntropy,
        ProbeKind.FastTree => ProbeTrainer.FastTreeOneVersusAll,
        _ => ProbeTrainer.LbfgsMaximumEntropy,
    };

    private static string ProbeName(ProbeKind kind) => kind switch
    {
        ProbeKind.Lbfgs => "linear probe (standardize + L-BFGS)",
        ProbeKind.Sdca => "linear probe (standardize + SDCA)",
        ProbeKind.FastTree => "FastTree one-versus-all (non-linear reference)",
        _ => "paper linear protocol (SGD, 90 epochs)",
    };

    private static string MetricName(string protocol)
    {
        if (protocol.StartsWith("kNN k=", StringComparison.Ordinal))
            return "knn_" + protocol["kNN k=".Length..].Split(' ')[0] + "_accuracy";
        const string budgetPrefix = "linear probe, ";
        if (!protocol.StartsWith(budgetPrefix, StringComparison.Ordinal)) return "probe_accuracy";
        string budget = protocol[budgetPrefix.Length..].Split(' ')[0];
        return "probe_accuracy_labels_"
            + budget.Replace("/class", "_per_class").Replace("%", "_percent").Replace('.', '_');
    }
}
