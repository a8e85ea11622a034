using System.Diagnostics;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Data.Splits;
using AavaeMlNet.Io;
using AavaeMlNet.Evaluation.Baselines;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.Inference;
using AavaeMlNet.MLNet;
using AavaeMlNet.Model;
using AavaeMlNet.Pixels;
using AavaeMlNet.Text;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>What the Fashion-MNIST demo measured.</summary>
/// <param name="LabelEfficiency">Per label budget: the AAVAE and raw-pixel points (full-label probe excluded).</param>
/// <param name="Comparison">The AAVAE embedding, then each baseline: accuracies, sizes and images/s.</param>
public sealed record FashionMnistDemoResult(double AavaeAccuracy, TimeSpan PretrainTime, TimeSpan TotalTime,
    string OutputDirectory, IReadOnlyList<RepresentationScore> Comparison)
{
    /// <summary>The raw-pixel probe with all labels; NaN when raw pixels were not among the baselines.</summary>
    public double RawPixelAccuracy => Comparison.FirstOrDefault(s => s.Id == RawPixels.Instance.Id)?.ProbeAccuracy
        ?? double.NaN;
}

/// <summary>
/// The Fashion-MNIST demo: pretrain AAVAE on Fashion-MNIST, fit a linear probe on the frozen embeddings and, in the
/// same run, the same probe on the baselines (raw pixels, and ML.NET's ImageNet featurizer where asked), all also on
/// label budgets; write model.zip, metrics.json, report.md,
/// loss.png, reconstructions.png, accuracy.png and label-efficiency.png.
/// </summary>
public static class FashionMnistDemoJob
{
    public static async Task<FashionMnistDemoResult> RunAsync(FashionMnistDemoOptions options, TextWriter log,
        Action<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(options.OutputDirectory);
        var data = await FashionMnistSplits.LoadAsync(options.DataDirectory, options.PretrainImages,
            options.ProbeTrainImages, log.WriteLine, cancellationToken);
        var settings = options.Settings;
        var ml = new MLContext((int)settings.SeedOrDefault());

        var losses = new List<(long Step, double Loss)>();
        var estimatorOptions = new AavaeEstimator.Options(settings)
        {
            CacheInMemory = true,
            CheckpointDirectory = Path.Combine(options.OutputDirectory, "checkpoints"),
            CancellationToken = cancellationToken,
            ProgressEverySteps = 10,
            Log = log.WriteLine,
            Progress = p =>
            {
                if (!p.IsEpochEnd) losses.Add((p.Step, p.Loss));
                progress?.Invoke(p);
            },
        };
        var pretrainClock = Stopwatch.StartNew();
        using var aavae = ml.Transforms.PretrainAavae(estimatorOptions).Fit(data.Pretrain);
        var pretrainTime = pretrainClock.Elapsed;
        log.WriteLine($"Pretraining took {Duration.Format(pretrainTime)}.");
        var config = aavae.Config;
        var training = aavae.Training;
        string variant = config.Variant.ToString().ToUpperInvariant();
        string model = $"ResNet-{(int)config.Depth} x{config.WidthMultiplier}" +
                       (config.ExpandFeatures is { } h ? $", expanded to h = {h}" : "") +
                       $", {config.DescribeEmbedding()}";
        string compute = PrecisionSupport.Describe(training);

        log.WriteLine("Fitting the linear probe (standardize + L-BFGS maximum entropy) on frozen embeddings...");
        var probeTrain = ml.Data.Cache(aavae.Transform(data.ProbeTrain));
        var test = ml.Data.Cache(aavae.Transform(data.Test));
        var embedClock = Stopwatch.StartNew();
        var testEmbeddings = EmbeddingMatrix.FromDataView(test, aavae.OutputColumnName);
        double aavaeRate = testEmbeddings.Count / embedClock.Elapsed.TotalSeconds;
        var probe = LinearProbe.TrainAndEvaluate(ml, probeTrain, test, aavae.OutputColumnName, "Label");
        log.WriteLine($"AAVAE linear probe: {probe.Accuracy:P2} top-1 on the test set " +
            $"(embedding {aavaeRate:N0} images/s).");
        var aavaeCurve = LabelCurve(probeTrain, test, aavae.OutputColumnName, options, cancellationToken);
        log.WriteLine("AAVAE label efficiency: " +
            string.Join(", ", aavaeCurve.Select(p => $"{p.Budget} ({p.Images:N0} labelled) {p.Accuracy:P2}")));

        log.WriteLine($"Baselines ({string.Join(", ", options.Baselines)}): the same probe on the same images...");
        var baselines = FashionMnistBaselines.Score(options.Baselines, data, options.ProbeTrainImages, options.Labels,
            new LinearProbe.Options(), (ulong)settings.SeedOrDefault(), [], options.FeatureCacheDirectory, log,
            cancellationToken);

        string modelPath = Path.Combine(options.OutputDirectory, "model.zip");
        var pipeline = new TransformerChain<ITransformer>(aavae, probe.Model);
        ModelFiles.Write(ml, pipeline, data.ProbeTrain.Schema, aavae, modelPath,
            Path.Combine(options.OutputDirectory, "encoder.ckpt"));

        if (losses.Count > 0)
            LossCurvePlot.Write(Path.Combine(options.OutputDirectory, "loss.png"), losses,
                "AAVAE training loss (-log p(x|z) per image)");
        WriteReconstructions(aavae, data, Path.Combine(options.OutputDirectory, "reconstructions.png"));
        var aavaeScore = new RepresentationScore("AAVAE embedding", testEmbeddings.Dimension,
            new FileInfo(modelPath).Length, aavaeRate, probe.Accuracy, aavaeCurve, []);
        IReadOnlyList<RepresentationScore> comparison = [aavaeScore, .. baselines];
        AccuracyBarPlot.Write(Path.Combine(options.OutputDirectory, "accuracy.png"),
            [.. comparison.Select(s => (s.Name, s.ProbeAccuracy))], "Linear probe, Fashion-MNIST test set");
        int allLabels = options.ProbeTrainImages;
        RepresentationScore.Plot(Path.Combine(options.OutputDirectory, "label-efficiency.png"), comparison, allLabels,
            "Linear probe against labelled images, Fashion-MNIST test set");
        var budgetResults = comparison.SelectMany(score => score.LabelEfficiency.Select(point =>
            new EvaluationResult(score == aavaeScore ? $"{variant} ({model})" : score.Name,
                $"linear probe, {point.Budget} labels", point.Accuracy, $"{point.Images:N0} labelled images")));
        var budgetMetrics = comparison.SelectMany(score => score.LabelEfficiency.Select(point =>
            ($"{MetricPrefix(score)}_test_accuracy_{point.Images}_labels", point.Accuracy)));

        var report = new EvaluationReport(
            "AAVAE on Fashion-MNIST (main job)", "Fashion-MNIST",
            [
                new EvaluationResult($"{variant} ({model})", "linear probe (standardize + L-BFGS)", probe.Accuracy,
                    $"{Duration.Format(pretrainTime)} of pretraining on {options.PretrainImages:N0} images"),
                .. baselines.Select(score => new EvaluationResult(score.Name, "linear probe (standardize + L-BFGS)",
                    score.ProbeAccuracy, "baseline measured in the same run")),
                .. budgetResults,
            ],
            new Dictionary<string, double>
            {
                ["pretrain_seconds"] = pretrainTime.TotalSeconds,
                ["total_seconds"] = total.Elapsed.TotalSeconds,
                ["final_loss"] = losses.Count > 0 ? losses[^1].Loss : double.NaN,
            }.Concat(comparison.Select(score => KeyValuePair.Create($"{MetricPrefix(score)}_test_accuracy",
                    score.ProbeAccuracy)))
                .Concat(budgetMetrics.Select(m => KeyValuePair.Create(m.Item1, m.Item2))).ToDictionary(),
            new Dictionary<string, string>
            {
                ["command"] = "./build.sh demo " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2)),
                ["pretrain_images"] = options.PretrainImages.ToString(),
                ["probe_train_images"] = options.ProbeTrainImages.ToString(),
                ["budget"] = training.TimeBudget is { } budget ? Duration.ToText(budget) : "none",
                ["epochs"] = training.Epochs?.ToString() ?? "unbounded (the budget ends the run)",
                ["batch_size"] = training.BatchSize.ToString(),
                ["learning_rate"] = training.LearningRate.ToString("G"),
                ["width_multiplier"] = config.WidthMultiplier.ToString("G"),
                ["expand_features"] = config.ExpandFeatures?.ToString() ?? "none",
                ["embedding_grid"] = config.EmbeddingGrid.ToString(),
                ["embedding_size"] = config.EmbeddingDim.ToString(),
                ["seed"] = settings.SeedOrDefault().ToString(),
                ["compute"] = compute,
                ["decay"] = training.Decay.ToString(),
                ["view"] = View(settings),
                ["clean_bn_images"] = training.CleanBatchNormImages.ToString(),
                ["weight_average"] = training.WeightAverageDecay.ToString("G"),
                ["recipe"] = string.Join("; ", training.Recipe),
                ["label_budgets"] = string.Join(",", options.Labels),
                ["baselines"] = string.Join(",", options.Baselines),
                ["machine"] = CpuBf16Features.Machine,
            })
        {
            Tables =
            [
                RepresentationScore.Table(comparison, allLabels,
                    "The AAVAE embedding and each baseline, same probe, same images; images/s measured in this run " +
                    $"on {CpuBf16Features.Machine}."),
            ],
            Figures =
            [
                new ReportFigure("Linear probe against labelled images, AAVAE and the baselines",
                    "label-efficiency.png"),
                new ReportFigure("Linear probe with all labels", "accuracy.png"),
                .. losses.Count > 0 ? [new ReportFigure("Training loss", "loss.png")] : Array.Empty<ReportFigure>(),
                new ReportFigure("Test images (top) and their reconstructions", "reconstructions.png"),
            ],
        };
        ReportWriter.WriteJson(Path.Combine(options.OutputDirectory, "metrics.json"), report);
        ReportWriter.WriteMarkdown(Path.Combine(options.OutputDirectory, "report.md"), report);
        return new FashionMnistDemoResult(probe.Accuracy, pretrainTime, total.Elapsed,
            Path.GetFullPath(options.OutputDirectory), comparison);
    }

    // Metric names of a representation: aavae_..., raw_pixel_... (as before there were other baselines), then ids.
    private static string MetricPrefix(RepresentationScore score) => score.Id switch
    {
        null => "aavae",
        "raw" => "raw_pixel",
        var id => id.Replace('-', '_'),
    };

    // The label-efficiency points of one representation: the features column of the probe's train and test views.
    private static IReadOnlyList<LabelEfficiencyPoint> LabelCurve(IDataView train, IDataView test, string column,
        FashionMnistDemoOptions options, CancellationToken cancellationToken) =>
        LabelEfficiencyProbe.Run(EmbeddingMatrix.FromDataView(train, column), Labels(train),
            EmbeddingMatrix.FromDataView(test, column), Labels(test), options.Labels,
            seed: (ulong)options.Settings.SeedOrDefault(), cancellationToken: cancellationToken);

    private static int[] Labels(IDataView view) => [.. view.GetColumn<float>("Label").Select(label => (int)label)];

    private static string View(AavaeSettings settings)
    {
        var view = settings.ToAugmentation(1, 28, 28);
        return view == AugmentationOptions.Grayscale ? "grayscale preset" : view.ToString();
    }

    private static void WriteReconstructions(AavaeTransformer aavae, FashionMnistSplits data, string path)
    {
        var originals = data.TestSource.Read().Take(8).Select(r => PixelScale.ToUnit(r.PixelsChw)).ToList();
        using var scope = NewDisposeScope();
        var images = tensor(originals.SelectMany(p => p).ToArray(), [originals.Count, 1, 28, 28]);
        var reconstructed = new FrozenModel(aavae.Model, aavae.Augmentation.Normalization).Reconstruct(images);
        var flat = reconstructed.data<float>().ToArray();
        var reconstructions = Enumerable.Range(0, originals.Count)
            .Select(i => flat[(i * 784)..((i + 1) * 784)])
            .ToList();
        ReconstructionGrid.Write(path, originals, reconstructions, channels: 1, height: 28, width: 28, scale: 4);
    }
}
