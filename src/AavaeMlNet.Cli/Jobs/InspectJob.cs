using System.Text.Json;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Evaluation.Analyses;
using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.Io;
using AavaeMlNet.Training;
using Microsoft.ML;
using static TorchSharp.torch;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>Settings of `aavae inspect`.</summary>
public sealed record InspectJobOptions
{
    /// <summary>
    /// A TorchSharp checkpoint (encoder.ckpt); needed by similarity and reconstructions unless beside the model.
    /// </summary>
    public string? Checkpoint { get; init; }
    /// <summary>The ML.NET model zip (map embeds through it; the other analyses use encoder.ckpt beside it).</summary>
    public string? Model { get; init; }
    public required string Input { get; init; }
    public string? Labels { get; init; }
    public string? DataDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    /// <summary>Images shown (similarity, reconstructions) or mapped (map: default 1000).</summary>
    public int? Images { get; init; }
    /// <summary>Augmented views per image (similarity).</summary>
    public int Views { get; init; } = 4;
    public long Seed { get; init; } = AavaeSettings.DefaultSeed;
}

/// <summary>
/// `aavae inspect`: the paper's qualitative analyses. similarity: cosine similarity of augmented views (Fig. 5);
/// reconstructions: originals above reconstructions; map: a 2-D PCA map coloured by label. Each writes NAME.json,
/// NAME.md and NAME.png in the output directory, every file atomically.
/// </summary>
public static class InspectJob
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Similarity(InspectJobOptions options, CancellationToken cancellationToken)
    {
        using var encoder = CheckpointModel.Load(options.Checkpoint, options.Model);
        int images = options.Images ?? 8;
        if (images < 2 || options.Views < 2) throw new ArgumentException("--images and --views must be at least 2.");
        var records = Take(options, encoder.Shape, images);
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        // Image-major rows (image * views + view), so that views of one image form a diagonal block.
        var batch = encoder.ToTensor(records.Select(r => r.PixelsChw).ToList()).repeat_interleave(options.Views, 0);
        using var generator = new Generator((ulong)options.Seed);
        var views = new SimClrAugmentation(encoder.Augmentation).View(batch, generator);
        var matrix = SimilarityMatrix.Compute(
            EmbeddingMatrix.FromTensor(encoder.Frozen.FeaturesOfViews(views)), records.Count, options.Views);
        var contrast = matrix.Contrast();

        var values = matrix.ToArray();
        var rows = Enumerable.Range(0, matrix.Size)
            .Select(i => Enumerable.Range(0, matrix.Size).Select(j => values[i, j]).ToArray())
            .ToArray();
        var metrics = new Dictionary<string, double>
        {
            ["within_image"] = contrast.WithinImage,
            ["across_images"] = contrast.AcrossImages,
            ["block_contrast"] = contrast.Contrast,
        };
        var payload = new
        {
            images = matrix.Images,
            views = matrix.Views,
            blockContrast = contrast,
            matrix = rows,
        };
        return Write(options, "similarity", payload,
            "Cosine similarity of augmented views (paper Fig. 5)", metrics,
            path => SimilarityHeatmapPlot.Write(path, matrix));
    }

    public static string Reconstructions(InspectJobOptions options, CancellationToken cancellationToken)
    {
        using var encoder = CheckpointModel.Load(options.Checkpoint, options.Model);
        var records = Take(options, encoder.Shape, options.Images ?? 8);
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        var originals = encoder.ToTensor(records.Select(r => r.PixelsChw).ToList());
        var reconstructed = encoder.Frozen.Reconstruct(originals);
        var (c, h, w) = encoder.Shape;
        int length = c * h * w;
        var original = originals.data<float>().ToArray();
        var flat = reconstructed.contiguous().data<float>().ToArray();
        var originalImages = Enumerable.Range(0, records.Count)
            .Select(i => original[(i * length)..((i + 1) * length)])
            .ToList();
        var reconstructionImages = Enumerable.Range(0, records.Count)
            .Select(i => flat[(i * length)..((i + 1) * length)])
            .ToList();
        double squared = 0;
        for (int i = 0; i < original.Length; i++)
            squared += (original[i] - flat[i]) * (double)(original[i] - flat[i]);
        var metrics = new Dictionary<string, double> { ["mean_squared_error"] = squared / original.Length };
        var payload = new
        {
            images = records.Count,
            indices = records.Select(r => r.Index),
            meanSquaredError = metrics["mean_squared_error"],
        };
        int scale = Math.Max(1, 96 / Math.Max(h, w));
        return Write(options, "reconstructions", payload,
            "Originals (top) and reconstructions through z = mu (bottom)", metrics,
            path => ReconstructionGrid.Write(path, originalImages, reconstructionImages, c, h, w, scale: scale));
    }

    public static string Map(InspectJobOptions options, CancellationToken cancellationToken)
    {
        int limit = options.Images ?? 1000;
        EmbeddingMatrix embeddings;
        List<int> labels;
        IReadOnlyList<string> classNames;
        if (options.Model is { } modelPath && options.Checkpoint is null)
        {
            using var embedder = ModelEmbedder.Load(new MLContext(0), modelPath);
            var source = ImageInputs.Open(options.Input, embedder.Shape, options.Labels, options.DataDirectory);
            classNames = source.Info.ClassNames;
            var rows = embedder.Embed(source.Read().Take(limit), 1024, cancellationToken).ToList();
            embeddings = EmbeddingMatrix.FromRows(rows.Select(r => r.Embedding).ToList());
            labels = rows.Select(r => r.Label ?? 0).ToList();
        }
        else
        {
            using var encoder = CheckpointModel.Load(options.Checkpoint, options.Model);
            var source = ImageInputs.Open(options.Input, encoder.Shape, options.Labels, options.DataDirectory);
            classNames = source.Info.ClassNames;
            var records = source.Read().Take(limit).ToList();
            using var scope = NewDisposeScope();
            var pixels = encoder.ToTensor(records.Select(r => r.PixelsChw).ToList());
            embeddings = EmbeddingMatrix.FromTensor(encoder.Frozen.Features(pixels));
            labels = records.Select(r => r.Label == ImageRecord.NoLabel ? 0 : r.Label).ToList();
        }
        var map = PcaMap.Fit(embeddings);
        var metrics = new Dictionary<string, double>
        {
            ["variance_component_1"] = map.ExplainedVariance[0],
            ["variance_component_2"] = map.ExplainedVariance[1],
        };
        var payload = new
        {
            points = map.Coordinates.Count,
            explainedVariance = map.ExplainedVariance,
            coordinates = map.Coordinates,
            labels,
        };
        return Write(options, "map", payload, "2-D PCA map of the embeddings", metrics,
            path => EmbeddingScatterPlot.Write(
                path, map.Coordinates, labels, classNames.Count > 0 ? classNames : null));
    }

    private static List<ImageRecord> Take(InspectJobOptions options, (int, int, int) shape, int count)
    {
        if (count < 1) throw new ArgumentException("--images must be at least 1.");
        var records = ImageInputs.Open(options.Input, shape, options.Labels, options.DataDirectory)
            .Read()
            .Take(count)
            .ToList();
        if (records.Count == 0) throw new ArgumentException($"Input '{options.Input}' holds no images.");
        return records;
    }

    private static string Write(InspectJobOptions options, string name, object payload, string title,
        Dictionary<string, double> metrics, Action<string> plot)
    {
        string directory = Path.GetFullPath(options.OutputDirectory);
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(payload, Json));
        var report = new EvaluationReport(title, options.Input, [], metrics, new Dictionary<string, string>
        {
            ["input"] = options.Input,
            ["model"] = options.Model ?? "",
            ["checkpoint"] = options.Checkpoint ?? "",
            ["plot"] = name + ".png",
        });
        ReportWriter.WriteMarkdown(Path.Combine(directory, name + ".md"), report);
        string png = Path.Combine(directory, name + ".png");
        plot(png);
        return png;
    }
}
