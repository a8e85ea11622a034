using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Data.Splits;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Io;
using AavaeMlNet.Evaluation.Knn;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.MLNet;
using AavaeMlNet.Model;
using AavaeMlNet.Text;
using AavaeMlNet.Training;
using Microsoft.ML;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>What one run of a sweep measured.</summary>
public sealed record ExperimentResult(
    string Name, double LinearProbeAccuracy, double KnnAccuracy, long Steps, int EpochsStarted, bool StoppedAtBudget,
    double PretrainSeconds, double ImagesPerSecond, double FinalLoss, IReadOnlyList<double> OnlineProbeAccuracy,
    string Settings)
{
    /// <summary>The final linear probe scored on the 5,000-image validation split: the figure to tune on.</summary>
    public double ValidationAccuracy { get; init; } = double.NaN;
    /// <summary>The L2 weight of the final linear probe (chosen on a held-out part under several candidates).</summary>
    public float? LinearProbeL2 { get; init; }
    /// <summary>The linear probe per label budget, on the test set.</summary>
    public IReadOnlyList<LabelEfficiencyPoint> LabelEfficiency { get; init; } = [];
    /// <summary>Every setting of the run as it was settled: its value, yours or the recipe's, and why.</summary>
    public IReadOnlyList<RecipeChoice> Recipe { get; init; } = [];
    /// <summary>Test images per second embedded by the frozen backbone (TorchSharp), measured after the run.</summary>
    public double EmbeddingImagesPerSecond { get; init; } = double.NaN;
    /// <summary>Bytes of the run's model-NAME.zip.</summary>
    public long ModelBytes { get; init; }
    /// <summary>Length of the run's embedding (backbone features).</summary>
    public int EmbeddingSize { get; init; }
}

/// <summary>
/// Runs a sweep on Fashion-MNIST: each run pretrains on the pretrain split with the same budget, reports an online
/// probe after every epoch, then is scored on the test set by the linear probe (standardize + L-BFGS on frozen
/// backbone features of the probe-train images) and by weighted kNN (k = 20, T = 0.07). The raw-pixel linear probe
/// is measured in the same job. Writes results.json, report.md and accuracy.png atomically, plus one loss curve per
/// run.
/// </summary>
public static class ExperimentJob
{
    public static async Task<IReadOnlyList<ExperimentResult>> RunAsync(string sweep, ExperimentOptions options,
        TextWriter log, Action<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var runs = ExperimentSweeps.Get(sweep, options.Settings, options.Set);
        Directory.CreateDirectory(options.OutputDirectory);
        var clock = Stopwatch.StartNew();
        var data = await FashionMnistSplits.LoadAsync(options.DataDirectory, options.PretrainImages,
            options.ProbeTrainImages, log.WriteLine, cancellationToken);
        var probeTrain =
            LabelledPixels.Read(data.TrainSource.Subset(data.PretrainIndices.Take(options.ProbeTrainImages)));
        var test = LabelledPixels.Read(data.TestSource);
        var onlineTrain =
            LabelledPixels.Read(data.TrainSource.Subset(data.PretrainIndices.Take(options.OnlineProbeImages)));
        var validation = LabelledPixels.Read(data.TrainSource.Subset(data.ValidationIndices));

        log.WriteLine($"Baselines ({string.Join(", ", options.Baselines)}): the same probes on the same images...");
        var probeOptions = new LinearProbe.Options().WithL2(options.ProbeL2);
        ulong seed = (ulong)options.Settings.SeedOrDefault();
        var baselines = FashionMnistBaselines.Score(options.Baselines, data, options.ProbeTrainImages, options.Labels,
            probeOptions, seed, [20], options.FeatureCacheDirectory, log, cancellationToken);

        var results = new List<ExperimentResult>();
        foreach (var run in runs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ml = new MLContext((int)seed);
            var settings = options.Settings.Copy();
            run.Configure(settings);
            var estimatorOptions = new AavaeEstimator.Options(settings)
            {
                CacheInMemory = true,
                CancellationToken = cancellationToken,
            };
            var losses = new List<(long Step, double Loss)>();
            var online = new List<double>();
            double imagesPerSecond = 0;
            double finalLoss = double.NaN;
            estimatorOptions.ProgressEverySteps = 20;
            estimatorOptions.Progress = p =>
            {
                if (p.IsEpochEnd)
                {
                    imagesPerSecond = p.ImagesPerSecond;
                    finalLoss = p.Loss;
                }
                else
                {
                    losses.Add((p.Step, p.Loss));
                }
                progress?.Invoke(p);
            };
            if (options.OnlineProbeImages > 0)
            {
                var probe = new OnlineProbe(onlineTrain.Pixels, onlineTrain.Labels, validation.Pixels,
                    validation.Labels);
                estimatorOptions.EpochCompleted = trained =>
                {
                    int epoch = trained.Epoch;
                    double accuracy = probe.Evaluate(trained);
                    online.Add(accuracy);
                    log.WriteLine($"  [{run.Name}] epoch {epoch + 1}: online linear probe {accuracy:P2} " +
                        $"(fitted on {options.OnlineProbeImages:N0}, validation {validation.Count:N0} images)");
                };
            }
            log.WriteLine($"Run '{run.Name}':");
            estimatorOptions.Log = line => log.WriteLine($"  [{run.Name}] {line}");
            var pretrainClock = Stopwatch.StartNew();
            long steps = 0;
            int epochs = 0;
            estimatorOptions.Progress += p =>
            {
                steps = p.Step + 1;
                epochs = p.Epoch + 1;
            };
            using var transformer = ml.Transforms.PretrainAavae(estimatorOptions).Fit(data.Pretrain);
            double pretrainSeconds = pretrainClock.Elapsed.TotalSeconds;
            var training = transformer.Training;
            bool stoppedAtBudget = training.TimeBudget is not null && epochs < (training.Epochs ?? int.MaxValue);

            var normalization = transformer.Augmentation.Normalization;
            var trainFeatures =
                FrozenFeatures.Compute(transformer.Model, normalization, probeTrain.Pixels, probeTrain.Count);
            var embedClock = Stopwatch.StartNew();
            var testFeatures = FrozenFeatures.Compute(transformer.Model, normalization, test.Pixels, test.Count);
            double embeddingRate = test.Count / embedClock.Elapsed.TotalSeconds;
            var linearProbe = LinearProbe.TrainAndEvaluate(trainFeatures, probeTrain.Labels, testFeatures, test.Labels,
                probeOptions);
            double linear = linearProbe.Accuracy;
            double knn = KnnClassifier.Accuracy(trainFeatures, probeTrain.Labels, testFeatures, test.Labels,
                new KnnClassifier.Options { K = 20 });
            var validationFeatures =
                FrozenFeatures.Compute(transformer.Model, normalization, validation.Pixels, validation.Count);
            double validationLinear = LinearProbe.Score(linearProbe, validationFeatures, validation.Labels);
            var curve = LabelEfficiencyProbe.Run(trainFeatures, probeTrain.Labels, testFeatures, test.Labels,
                options.Labels, probeOptions, seed, cancellationToken);
            log.WriteLine($"Run '{run.Name}': linear probe {linear:P2} (validation {validationLinear:P2}; " +
                          $"{LinearProbe.DescribeL2(linearProbe)}), " +
                          $"kNN(20) {knn:P2}" +
                          string.Concat(curve.Select(p => $", {p.Budget} labels {p.Accuracy:P2}")) +
                          $", {steps} steps in {pretrainSeconds:F0} s");
            string slug = new string(
                run.Name.Select(ch => char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '-').ToArray());
            if (losses.Count > 0)
                LossCurvePlot.Write(Path.Combine(options.OutputDirectory, $"loss-{slug}.png"), losses,
                    $"Training loss: {run.Name}");
            string modelPath = Path.Combine(options.OutputDirectory, $"model-{slug}.zip");
            ModelFiles.Write(ml, transformer, data.Pretrain.Schema, transformer, modelPath,
                Path.Combine(options.OutputDirectory, $"encoder-{slug}.ckpt"));
            results.Add(new ExperimentResult(run.Name, linear, knn, steps, epochs, stoppedAtBudget, pretrainSeconds,
                imagesPerSecond, finalLoss, online, Describe(transformer.Config, training))
            {
                ValidationAccuracy = validationLinear,
                LinearProbeL2 = linearProbe.L2Regularization,
                LabelEfficiency = curve,
                Recipe = training.Recipe,
                EmbeddingImagesPerSecond = embeddingRate,
                ModelBytes = new FileInfo(modelPath).Length,
                EmbeddingSize = testFeatures.Dimension,
            });
            WriteOutputs(sweep, options, baselines, results, clock.Elapsed);
        }
        return results;
    }

    private static string ProbeL2Text(IReadOnlyList<float> weights) => weights.Count switch
    {
        0 => $"the linear probes' L2 weight is L-BFGS's default, {LinearProbe.FormatL2(LinearProbe.DefaultLbfgsL2)}.",
        1 => $"the linear probes' L2 weight is {LinearProbe.FormatL2(weights[0])}.",
        _ => "each linear probe (raw pixels, every run, every label budget) chooses its L2 weight from " +
             string.Join(", ", weights.Select(w => LinearProbe.FormatL2(w))) +
             " on a stratified 10% held out of its own " +
             "training images and is refitted on all of them with it (per-budget choices in results.json).",
    };

    private static string Describe(AavaeConfig c, TrainingOptions t)
    {
        string budget = t.TimeBudget is { } b ? $", budget {Duration.ToText(b)}" : "";
        string epochs = t.Epochs is { } e ? $", {e} epochs" : "";
        string expanded = c.ExpandFeatures is { } h ? FormattableString.Invariant($" expanded to h = {h}") : "";
        string beta = c.Beta?.ToString(CultureInfo.InvariantCulture) ?? "default";
        string logScale = c.LearnLogScale ? "learned" : "fixed";
        string warmup = t.WarmupEpochs is { } w ? FormattableString.Invariant($"{w} epochs") : $"{t.WarmupShare:P0}";
        string views = t.Recipe.FirstOrDefault(r => r.Setting == RecipeResolver.Views) is { } v
            ? $"views {v.Value}, " : "";
        return FormattableString.Invariant(
                $"{c.Variant}, ResNet-{(int)c.Depth} x{c.WidthMultiplier}{expanded}, {c.DescribeEmbedding()}")
            + $"{c.DescribeDecoder()}, "
            + FormattableString.Invariant($"latent {c.LatentDim}, ")
            + FormattableString.Invariant($"beta {beta}, log scale {logScale}, batch {t.BatchSize}, ")
            + FormattableString.Invariant($"lr {t.LearningRate:G3}, {t.Decay} rate, warmup {warmup}{epochs}{budget}, ")
            + FormattableString.Invariant($"clean BatchNorm images {t.CleanBatchNormImages}, ")
            + (t.WeightAverageDecay > 0 ? FormattableString.Invariant($"weight average {t.WeightAverageDecay}, ") : "")
            + views
            + $"compute {PrecisionSupport.Describe(t)}";
    }

    private static void WriteOutputs(string sweep, ExperimentOptions options,
        IReadOnlyList<RepresentationScore> baselines, List<ExperimentResult> results, TimeSpan elapsed)
    {
        var json = JsonSerializer.Serialize(new
        {
            sweep,
            baselines = baselines.Select(b => new
            {
                b.Id, b.Name, LinearProbeAccuracy = b.ProbeAccuracy, LinearProbeL2 = b.ProbeL2, b.LabelEfficiency,
                KnnAccuracy = b.Knn.FirstOrDefault().Accuracy, EmbeddingImagesPerSecond = b.ImagesPerSecond,
                b.ModelBytes, b.EmbeddingSize,
            }),
            results,
            options = options with { DataDirectory = "" },
            machine = CpuBf16Features.Machine,
            command = CommandLine(),
            elapsedSeconds = elapsed.TotalSeconds,
        }, new JsonSerializerOptions
        {
            WriteIndented = true,
            IncludeFields = true, // the (Min, Max) ranges of the view settings
            Converters = { new JsonStringEnumConverter() },
        });
        AtomicFile.WriteAllText(Path.Combine(options.OutputDirectory, "results.json"), json);

        var lines = new List<string>
        {
            $"# Fashion-MNIST experiment: {sweep}", "",
            $"Command: `{CommandLine()}`", "",
            $"Machine: {CpuBf16Features.Machine}; " +
            $"job wall time {Duration.Format(elapsed)}.", "",
            "Probes: linear = standardize + L-BFGS maximum entropy on the frozen embeddings of " +
            $"{options.ProbeTrainImages:N0} labelled " +
            "training images, kNN = cosine, k = 20, weights exp(s/0.07); both scored on the 10,000 test images; the " +
            "validation column is the same linear probe scored on the 5,000-image validation split (tune on it); " +
            "label budgets are stratified, seeded subsets of the probe-train images, scored on the test images; " +
            ProbeL2Text(options.ProbeL2), "",
            "| run | linear probe | validation | probe L2 | kNN (k=20) | " +
            string.Concat(options.Labels.Select(b => $"{b} labels | ")) +
            "steps | epochs | pretrain time | images/s | final loss | online probe by epoch |",
            "|---|---|---|---|---|" + string.Concat(options.Labels.Select(_ => "---|")) + "---|---|---|---|---|---|",
        };
        lines.AddRange(baselines.Select(b => "| " + string.Join(" | ", (string[])[$"{b.Name} (baseline, same run)",
            $"{b.ProbeAccuracy:P2}", "", LinearProbe.FormatL2(b.ProbeL2), $"{b.Knn.FirstOrDefault().Accuracy:P2}",
            .. b.LabelEfficiency.Select(p => $"{p.Accuracy:P2}"), "", "", "", "", "", ""]) + " |"));
        lines.AddRange(results.Select(r =>
            $"| {r.Name} | {r.LinearProbeAccuracy:P2} | {r.ValidationAccuracy:P2} | " +
            $"{LinearProbe.FormatL2(r.LinearProbeL2)} | " +
            $"{r.KnnAccuracy:P2} | " +
            string.Concat(r.LabelEfficiency.Select(p => $"{p.Accuracy:P2} | ")) +
            $"{r.Steps} | {r.EpochsStarted}{(r.StoppedAtBudget ? " (budget)" : "")} | " +
            $"{Duration.Format(TimeSpan.FromSeconds(r.PretrainSeconds))} | " +
            $"{r.ImagesPerSecond:F0} | {r.FinalLoss:F1} | " +
            $"{string.Join(", ", r.OnlineProbeAccuracy.Select(a => a.ToString("P1")))} |"));
        lines.Add("");
        lines.AddRange(results.Select(r => $"- {r.Name}: {r.Settings}"));
        var comparison = Comparison(options, baselines, results);
        var table = RepresentationScore.Table(comparison, options.ProbeTrainImages,
            "As embeddings: each run's frozen embedding and each baseline, same probes, same images; images/s of " +
            "embedding the test images, measured in this job.");
        lines.AddRange(["", ReportWriter.ToMarkdown(table).TrimEnd('\n')]);
        AtomicFile.WriteAllText(Path.Combine(options.OutputDirectory, "report.md"), string.Join('\n', lines) + "\n");
        AccuracyBarPlot.Write(Path.Combine(options.OutputDirectory, "accuracy.png"),
            [.. comparison.Select(s => (s.Name, s.ProbeAccuracy))], $"Linear probe, Fashion-MNIST test ({sweep})");
        if (options.Labels.Count == 0) return;
        RepresentationScore.Plot(Path.Combine(options.OutputDirectory, "label-efficiency.png"), comparison,
            options.ProbeTrainImages, $"Linear probe against labelled images, Fashion-MNIST test ({sweep})");
    }

    // The baselines, then every run as an embedding.
    private static IReadOnlyList<RepresentationScore> Comparison(ExperimentOptions options,
        IReadOnlyList<RepresentationScore> baselines, IReadOnlyList<ExperimentResult> results) =>
    [
        .. baselines,
        .. results.Select(r => new RepresentationScore(r.Name, r.EmbeddingSize, r.ModelBytes,
            double.IsNaN(r.EmbeddingImagesPerSecond) ? null : r.EmbeddingImagesPerSecond, r.LinearProbeAccuracy,
            r.LabelEfficiency, [(20, r.KnnAccuracy)]) { ProbeL2 = r.LinearProbeL2 }),
    ];

    private static string CommandLine() => "aavae " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
}
