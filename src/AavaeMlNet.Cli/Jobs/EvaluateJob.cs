using System.Diagnostics;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Evaluation.Baselines;
using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Knn;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.Io;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using Microsoft.ML;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// `aavae evaluate`: a probe and kNN on the embeddings of saved models and of baselines, all on the same images, with
/// the comparison table (accuracy per label budget, kNN, embedding size, model size, images/s) when there are several.
/// </summary>
public static class EvaluateJob
{
    public static EvaluationReport Run(EvaluateJobOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        if (options.KnnK.Any(k => k < 1)) throw new ArgumentException("--knn-k values must be positive.");
        if (options.Probe == ProbeKind.FastTree && options.ProbeL2.Count > 0)
            throw new ArgumentException(
                "--probe-l2 applies to the linear probes (lbfgs, sdca, and the label-efficiency table of paper); " +
                "fasttree has no L2 weight.");
        if (options.Models.Count + options.Checkpoints.Count + options.Baselines.Count == 0)
            throw new ArgumentException(
                "Give what to evaluate: --model model.zip, --checkpoint encoder.ckpt or --baseline " +
                $"{string.Join("|", BaselineFeaturizer.Known)} (each may be given several times).");
        if (options.Checkpoints.Count > 0 && options.Column != "Embedding")
            throw new ArgumentException(
                $"--column '{options.Column}' names a column of a model zip; a checkpoint gives its backbone " +
                "features (the Embedding column).");
        if (options.EmbeddingGrids.Count > 0 && options.Checkpoints.Count == 0)
            throw new ArgumentException(
                "--embedding-grid reads --checkpoint models with other grids; a model zip's ONNX encoder has its " +
                "grid built in.");
        if (options.EmbeddingGrids.FirstOrDefault(k => k is < 0 or > AavaeConfig.MaxEmbeddingGrid, 0) is not 0 and
            var invalid)
            throw new ArgumentException(
                $"--embedding-grid {invalid}: expected grids of 0..{AavaeConfig.MaxEmbeddingGrid} (0: none).");
        var baselines = options.Baselines.Distinct().Select(BaselineFeaturizer.Create).ToList();
        var embedders = new List<Embedder>();
        try
        {
            foreach (string spec in options.Models)
            {
                var (name, path) = NamedPath(spec);
                embedders.Add(ModelEmbedderOf(name, path,
                    ModelEmbedder.Load(new MLContext(0), path, options.Column), options.ChunkSize));
                if (options.Int8)
                    embedders.Add(ModelEmbedderOf($"{name} (int8)", ModelFiles.Int8EncoderOf(path),
                        ModelEmbedder.Load(new MLContext(0), path, options.Column, int8: true), options.ChunkSize));
            }
            foreach (string spec in options.Checkpoints)
            {
                var (name, path) = NamedPath(spec);
                if (options.EmbeddingGrids.Count == 0) embedders.Add(CheckpointEmbedder(name, path, grid: null));
                foreach (int grid in options.EmbeddingGrids.Distinct())
                    embedders.Add(CheckpointEmbedder(FormattableString.Invariant($"{name}, grid {grid}"), path, grid));
            }
            return Run(options, embedders, baselines, log, cancellationToken);
        }
        finally
        {
            foreach (var embedder in embedders) embedder.Owned?.Dispose();
            foreach (var baseline in baselines) (baseline as IDisposable)?.Dispose();
        }
    }

    private static EvaluationReport Run(EvaluateJobOptions options, IReadOnlyList<Embedder> embedders,
        IReadOnlyList<BaselineFeaturizer> baselines, TextWriter log, CancellationToken cancellationToken)
    {
        var trainRejects = options.OnBadImage == UndecodableImagePolicy.Skip ? new RejectsFile() : null;
        var testRejects = trainRejects is null ? null : new RejectsFile();
        var shape = embedders.Count > 0
            ? embedders[0].Shape
            : ShapeOf(ImageInputs.Open(options.Train, null, options.TrainLabels, options.DataDirectory).Info);
        var representations = new List<Representation>();
        ImageSetInfo? trainInfo = null;
        foreach (var embedder in embedders)
        {
            // The first reader of each input records the unreadable files; the others skip the same ones.
            bool first = representations.Count == 0;
            var (train, trainLabels, info) = EmbedLabelled(embedder, options.Train, options.TrainLabels, options,
                first ? trainRejects : Quiet(trainRejects), cancellationToken);
            var clock = Stopwatch.StartNew();
            var (test, testLabels, _) = EmbedLabelled(embedder, options.Test, options.TestLabels, options,
                first ? testRejects : Quiet(testRejects), cancellationToken);
            double rate = test.Count / clock.Elapsed.TotalSeconds;
            trainInfo ??= info;
            log.WriteLine(
                $"Embedded {train.Count:N0} train and {test.Count:N0} test images ({embedder.Size} dimensions).");
            representations.Add(new Representation(embedder.Name, Slug(embedder.Name), train, trainLabels, test,
                testLabels, new FileInfo(embedder.Path).Length, rate));
        }
        if (baselines.Count > 0)
        {
            bool first = representations.Count == 0;
            var train = ReadLabelled(options.Train, options.TrainLabels, shape, options,
                first ? trainRejects : Quiet(trainRejects));
            var test = ReadLabelled(options.Test, options.TestLabels, shape, options,
                first ? testRejects : Quiet(testRejects));
            trainInfo ??= train.Info;
            var cache = new FeatureCache(options.FeatureCacheDirectory);
            foreach (var baseline in baselines)
            {
                var trainFeatures = cache.GetOrCompute(baseline, train.Pixels.Pixels, train.Pixels.Count, shape,
                    log.WriteLine, cancellationToken);
                var testFeatures = cache.GetOrCompute(baseline, test.Pixels.Pixels, test.Pixels.Count, shape,
                    log.WriteLine, cancellationToken);
                double? rate = baseline is RawPixels
                    ? null
                    : baseline.MeasureThroughput(test.Pixels.Pixels, test.Pixels.Count, shape,
                        cancellationToken: cancellationToken);
                log.WriteLine($"{baseline.Name}: {trainFeatures.Count:N0} train and {testFeatures.Count:N0} test " +
                    $"images ({trainFeatures.Dimension} features)" + (rate is { } r ? $", {r:N1} images/s." : "."));
                representations.Add(new Representation(baseline.Name, Slug(baseline.Id), trainFeatures,
                    train.Pixels.Labels, testFeatures, test.Pixels.Labels, baseline.ModelBytes, rate));
            }
        }
        var reference = representations[0];
        foreach (var other in representations.Skip(1))
            if (!other.TrainLabels.SequenceEqual(reference.TrainLabels)
                || !other.TestLabels.SequenceEqual(reference.TestLabels))
                throw new InvalidOperationException(
                    $"{other.Name} read other images than {reference.Name} (the inputs changed during the run?).");
        if (trainRejects is not null && testRejects is not null)
        {
            string rejects = Path.GetFullPath(Path.Combine(options.ReportDirectory ?? ".", "rejects.csv"));
            AtomicFile.WriteAllText(rejects, RejectsFile.Format([.. trainRejects.Images, .. testRejects.Images]));
            log.WriteLine(
                $"Skipped {trainRejects.Count + testRejects.Count:N0} unreadable image(s); listed in {rejects}.");
        }

        var results = new List<EvaluationResult>();
        var metrics = new Dictionary<string, double>();
        var scores = new List<RepresentationScore>();
        var l2Settings = new Dictionary<string, string>();
        string probeName = ProbeName(options.Probe);
        var linear = new LinearProbe.Options { Trainer = TrainerOf(options.Probe) }.WithL2(options.ProbeL2);
        foreach (var r in representations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string prefix = r == reference ? "" : r.Key + "_";
            double probeAccuracy;
            string l2 = "";
            if (options.Probe == ProbeKind.Paper)
            {
                probeAccuracy = RunPaperProbe(r.Train, r.TrainLabels, r.Test, r.TestLabels, cancellationToken);
            }
            else
            {
                var fitted = LinearProbe.TrainAndEvaluate(r.Train, r.TrainLabels, r.Test, r.TestLabels, linear);
                probeAccuracy = fitted.Accuracy;
                l2 = LinearProbe.DescribeL2(fitted);
                log.WriteLine(r == reference ? $"{probeName}: {l2}." : $"{r.Name}, {probeName}: {l2}.");
            }
            var rowResults = new List<EvaluationResult> { new(r.Name, probeName, probeAccuracy) };
            var budgets = LabelEfficiencyProbe.Run(r.Train, r.TrainLabels, r.Test, r.TestLabels, options.Labels,
                linear, options.LabelSeed, cancellationToken);
            rowResults.AddRange(budgets.Select(point => new EvaluationResult(r.Name,
                $"linear probe, {point.Budget} labels ({point.Images:N0} images)", point.Accuracy)));
            var knn = options.KnnK.Select(k => (K: k, Accuracy: KnnClassifier.Accuracy(r.Train, r.TrainLabels,
                r.Test, r.TestLabels, new KnnClassifier.Options { K = k }, cancellationToken))).ToList();
            rowResults.AddRange(knn.Select(point =>
                new EvaluationResult(r.Name, $"kNN k={point.K} (cosine, weighted, T=0.07)", point.Accuracy)));
            results.AddRange(rowResults);
            foreach (var result in rowResults) metrics[prefix + MetricName(result.Protocol)] = result.Accuracy;
            l2Settings[prefix + "probe_l2"] = l2;
            l2Settings[prefix + "label_budget_l2"] = string.Join(", ", budgets.Select(p =>
                $"{p.Budget}: {LinearProbe.FormatL2(p.L2Regularization)}"));
            scores.Add(new RepresentationScore(r.Name, r.Train.Dimension, r.ModelBytes, r.ImagesPerSecond,
                probeAccuracy, budgets, knn));
        }

        string testDescription =
            $"{options.Test} ({reference.Test.Count:N0} images, {trainInfo!.ClassNames.Count} classes)";
        var report = new EvaluationReport(
            representations.Count == 1 ? $"Evaluation of {reference.Name}" : $"Comparison on {options.Test}",
            testDescription, results, metrics,
            new Dictionary<string, string>
            {
                ["model"] = string.Join(", ", embedders.Select(e => Path.GetFullPath(e.Path))),
                ["baselines"] = string.Join(", ", baselines.Select(b => b.Id)),
                ["train"] = options.Train,
                ["test"] = options.Test,
                ["train_images"] = reference.Train.Count.ToString(),
                ["embedding_size"] = reference.Train.Dimension.ToString(),
                ["probe"] = probeName,
                ["machine"] = CpuBf16Features.Machine,
            }.Concat(l2Settings).ToDictionary())
        {
            Tables = representations.Count > 1
                ? [RepresentationScore.Table(scores, reference.Train.Count,
                    $"Each representation with the same {probeName} and kNN on the same images; images/s measured " +
                    "in this run.")]
                : [],
            Figures = options.Labels.Count > 0
                ? [new ReportFigure("Linear probe against labelled images", "label-efficiency.png")]
                : [],
        };
        if (options.ReportDirectory is { } directory)
        {
            ReportWriter.WriteJson(Path.Combine(directory, "metrics.json"), report);
            ReportWriter.WriteMarkdown(Path.Combine(directory, "report.md"), report);
            if (options.Labels.Count > 0)
                RepresentationScore.Plot(Path.Combine(directory, "label-efficiency.png"), scores,
                    reference.Train.Count, $"Label efficiency, {options.Test}");
        }
        return report;
    }

    /// <summary>One representation's embeddings of the labelled inputs and what it cost.</summary>
    /// <param name="Key">Prefix of its metric names: the baseline's identifier or a slug of the model's name.</param>
    private sealed record Representation(string Name, string Key, EmbeddingMatrix Train, int[] TrainLabels,
        EmbeddingMatrix Test, int[] TestLabels, long ModelBytes, double? ImagesPerSecond);

    /// <summary>What embeds the labelled inputs: a model zip or a checkpoint.</summary>
    private sealed record Embedder(string Name, string Path, (int Channels, int Height, int Width) Shape, int Size,
        Func<ImageSource, CancellationToken, (EmbeddingMatrix Embeddings, int[] Labels)> EmbedAll,
        IDisposable? Owned = null);

    // PATH or NAME=PATH; a path that exists as given is never split.
    private static (string Name, string Path) NamedPath(string spec)
    {
        int equals = spec.IndexOf('=');
        return equals > 0 && !File.Exists(spec)
            ? (spec[..equals], spec[(equals + 1)..])
            : (System.IO.Path.GetFileName(spec), spec);
    }

    private static Embedder ModelEmbedderOf(string name, string path, ModelEmbedder embedder, int chunkSize) =>
        new(name, path, embedder.Shape, embedder.Size, (source, cancellationToken) =>
        {
            var (values, labels, count) = embedder.EmbedAll(source, chunkSize, cancellationToken);
            return (new EmbeddingMatrix(values, count, embedder.Size), labels);
        }, embedder);

    private static Embedder CheckpointEmbedder(string name, string path, int? grid)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        var (model, header) = Checkpoint.LoadModel(path, embeddingGrid: grid);
        return new(name, path, (model.Config.Channels, model.Config.Height, model.Config.Width),
            model.Config.EmbeddingDim,
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
        var source = OpenLabelled(input, embedder.Shape, labels, options, rejects);
        var (embeddings, classes) = embedder.EmbedAll(source, cancellationToken);
        if (embeddings.Count == 0) throw new ArgumentException($"Input '{input}' holds no images.");
        return (embeddings, classes, source.Info);
    }

    private static (LabelledPixels Pixels, ImageSetInfo Info) ReadLabelled(string input, string? labels,
        (int Channels, int Height, int Width) shape, EvaluateJobOptions options, RejectsFile? rejects)
    {
        var source = OpenLabelled(input, shape, labels, options, rejects);
        var pixels = LabelledPixels.Read(source);
        if (pixels.Count == 0) throw new ArgumentException($"Input '{input}' holds no images.");
        return (pixels, source.Info);
    }

    private static ImageSource OpenLabelled(string input, (int Channels, int Height, int Width) shape, string? labels,
        EvaluateJobOptions options, RejectsFile? rejects)
    {
        var source = ImageInputs.Open(input, shape, labels, options.DataDirectory, rejects);
        if (!source.Info.HasLabels)
            throw new ArgumentException(
                $"Input '{input}' has no labels: evaluation needs a labelled folder (class subfolders), " +
                "IDX labels or a labelled manifest part.");
        return source;
    }

    private static RejectsFile? Quiet(RejectsFile? rejects) => rejects is null ? null : new RejectsFile();

    private static (int Channels, int Height, int Width) ShapeOf(ImageSetInfo info) =>
        (info.Channels, info.Height, info.Width);

    private static string Slug(string name) =>
        string.Concat(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')).Trim('_');

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
