using System.Diagnostics;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.MLNet;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Bench;

/// <summary>
/// Embedding throughput of the `aavae embed` path (reading IDX, the saved model through ONNX Runtime, Parquet part
/// files, merge: <see cref="ResumableEmbeddingFile"/>, what the job runs with its default chunk size), with and
/// without the batched model.onnx beside model.zip, against the library's AavaeTransformer over the same IDX file,
/// side by side in one process.
/// </summary>
internal static class CliEmbeddingBench
{
    public static async Task RunAsync(BenchConfiguration configuration, string idxPath, int rounds)
    {
        if (!File.Exists(idxPath))
            throw new ArgumentException(
                $"IDX file '{idxPath}' not found: pass --idx PATH (e.g. Fashion-MNIST's t10k images).");
        var c = configuration.Model;
        var ml = new MLContext(0);
        var source = new IdxSource(idxPath);
        if (source.Info.Channels != c.Channels || source.Info.Height != c.Height)
            throw new ArgumentException(
                $"'{idxPath}' holds {source.Info.Channels}x{source.Info.Height}x{source.Info.Width} images; " +
                $"configuration {configuration.Name} takes {c.Channels}x{c.Height}x{c.Width}.");
        var data = source.ToDataView();
        string directory = Path.Combine(Path.GetTempPath(), $"aavae-bench-cli-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        string model = Path.Combine(directory, "model.zip");
        using var transformer = SaveModel(configuration, data, model);

        double Library()
        {
            var clock = Stopwatch.StartNew();
            long n = transformer.Transform(data).GetColumn<float[]>("Embedding").LongCount();
            return n / clock.Elapsed.TotalSeconds;
        }

        // The job runs model.onnx (beside model.zip, as `aavae pretrain` writes it) a chunk per call; without it, the
        // model.zip one row per call.
        string onnx = ModelEmbedder.OnnxPathOf(model);
        async Task<double> Job(int round, bool batched)
        {
            if (batched) using (var stream = File.Create(onnx)) transformer.ExportOnnx(stream);
            else File.Delete(onnx);
            var clock = Stopwatch.StartNew();
            using var embedder = ModelEmbedder.Load(new MLContext(0), model);
            var images = ImageInputs.Open(idxPath, embedder.Shape);
            string output = Path.Combine(directory, $"out-{round}.parquet");
            var result = await ResumableEmbeddingFile.WriteAsync(embedder, idxPath, images, EmbeddingFileFormat.Parquet,
                output, Shard.All, chunkSize: 1024, TextWriter.Null, CancellationToken.None);
            return result.Rows / clock.Elapsed.TotalSeconds;
        }

        Console.WriteLine($"configuration {configuration.Name}: {source.Count} images from {idxPath}, {rounds} rounds");
        var library = new List<double>();
        var rowWise = new List<double>();
        var batched = new List<double>();
        Library();
        for (int round = 0; round < rounds; round++)
        {
            library.Add(Library());
            rowWise.Add(await Job(round, batched: false));
            batched.Add(await Job(round, batched: true));
        }
        Console.WriteLine($"{"measurement",-66} {"images/s (best round)",22} {"vs library",11}");
        foreach (var (label, rates) in new[]
                 {
                     ("AavaeTransformer over the IDX IDataView (ONNX Runtime, batched)", library),
                     ("aavae embed job, model.zip alone (one row per call)", rowWise),
                     ("aavae embed job, model.onnx beside it (a chunk per call)", batched),
                 })
            Console.WriteLine($"{label,-66} {rates.Max(),22:F1} {rates.Max() / library.Max(),10:F2}x");
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// A model of <paramref name="configuration"/> (one epoch on 64 images: the architecture decides the speed, not
    /// the weights) saved as model.zip at <paramref name="path"/>; returns its transformer.
    /// </summary>
    public static AavaeTransformer SaveModel(BenchConfiguration configuration, IDataView data, string path)
    {
        var c = configuration.Model;
        var ml = new MLContext(0);
        // Every architecture setting of the configuration, so that no recipe choice changes the network (left unset,
        // the feature expansion would be the recipe's h = 1,024 for a run bounded by epochs, and the embedding would
        // carry the recipe's 2x2 grid, which the PyTorch side of --compare-pytorch does not compute).
        var options = new AavaeEstimator.Options
        {
            Depth = c.Depth,
            Stem = c.Stem,
            WidthMultiplier = c.WidthMultiplier,
            ExpandFeatures = c.ExpandFeatures ?? 0,
            EmbeddingGrid = c.EmbeddingGrid,
            LatentDim = c.LatentDim,
            Epochs = 1,
            BatchSize = 32,
            Device = DeviceKind.Cpu,
            CacheInMemory = true,
            InferenceBatchSize = configuration.BatchSize,
            Augmentation = configuration.Augmentation,
        };
        var transformer = ml.Transforms.PretrainAavae(options).Fit(ml.Data.TakeRows(data, 64));
        ml.Model.Save(transformer, data.Schema, path);
        return transformer;
    }
}
