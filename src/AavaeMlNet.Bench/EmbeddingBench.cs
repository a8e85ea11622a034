using System.Diagnostics;
using AavaeMlNet.Inference;
using AavaeMlNet.MLNet;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace AavaeMlNet.Bench;

/// <summary>
/// Embedding throughput, side by side in one process on the same images: the bare TorchSharp forward on ready
/// tensors (FrozenModel), AavaeTransformer over an IDataView (cursor, batching, copies), and the pipeline reloaded
/// from its model.zip (ML.NET's OnnxTransformer running the exported encoder one row at a time).
/// </summary>
internal static class EmbeddingBench
{
    private sealed class Row
    {
        public float[] Image { get; set; } = [];
    }

    public static void Run(BenchConfiguration configuration, int images, int rounds, bool comparePyTorch,
        bool profile = false)
    {
        var c = configuration.Model;
        int length = c.Channels * c.Height * c.Width;
        var random = new Random(0);
        var rows = Enumerable.Range(0, images)
            .Select(_ => new Row
            {
                Image = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray(),
            })
            .ToList();
        var ml = new MLContext(0);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Image)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        var data = ml.Data.LoadFromEnumerable(rows, schema);

        string path = Path.Combine(Path.GetTempPath(), $"aavae-bench-{Environment.ProcessId}.zip");
        using var transformer = CliEmbeddingBench.SaveModel(configuration, data, path);
        var reloaded = new MLContext(0).Model.Load(path, out _);

        using var batch = tensor(rows.Take(configuration.BatchSize).SelectMany(r => r.Image).ToArray(),
            [configuration.BatchSize, c.Channels, c.Height, c.Width]);
        var frozen = new FrozenModel(transformer.Model, transformer.Augmentation.Normalization);
        int batches = (images + configuration.BatchSize - 1) / configuration.BatchSize;

        double Bare()
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < batches; i++)
            {
                using var scope = NewDisposeScope();
                frozen.Features(batch);
            }
            return batches * configuration.BatchSize / clock.Elapsed.TotalSeconds;
        }

        double Through(ITransformer model)
        {
            var clock = Stopwatch.StartNew();
            var view = model.Transform(data);
            var column = view.Schema["Embedding"];
            using var cursor = view.GetRowCursor([column]);
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            long n = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                n++;
            }
            return n / clock.Elapsed.TotalSeconds;
        }

        // The exported encoder with a batch dimension in OnnxEncoder, as the transformer and `embed` run it (ML.NET's
        // OnnxTransformer calls the model one row at a time).
        using var onnx = new MemoryStream();
        transformer.ExportOnnx(onnx);
        using var encoder = new OnnxEncoder(onnx.ToArray());
        // The same encoder in int8 (`pretrain --int8`), calibrated on the bench's images.
        using var int8Onnx = new MemoryStream();
        transformer.ExportOnnxInt8(int8Onnx, data);
        using var int8Encoder = new OnnxEncoder(int8Onnx.ToArray());
        // A second transformer of the same weights, switched to int8 in process (UseInt8), over the same IDataView.
        string checkpoint = Path.ChangeExtension(path, ".ckpt");
        transformer.SaveCheckpoint(checkpoint);
        using var int8Transformer = ml.Transforms.LoadAavaeCheckpoint(checkpoint, new AavaeLoadOptions
        {
            InputKind = ImageColumnKind.Vector, InferenceBatchSize = configuration.BatchSize,
        });
        File.Delete(checkpoint);
        int8Transformer.UseInt8(data);
        var onnxPixels = batch.data<float>().ToArray();
        var onnxEmbeddings = new float[configuration.BatchSize * encoder.Size];
        double Onnx(OnnxEncoder model)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < batches; i++) model.Embed(onnxPixels, configuration.BatchSize, onnxEmbeddings);
            return batches * configuration.BatchSize / clock.Elapsed.TotalSeconds;
        }

        Console.WriteLine($"configuration {configuration.Name}: {c.Depth}, width x{c.WidthMultiplier}, " +
                          $"{c.Channels}x{c.Height}x{c.Width}, {images} images, " +
                          $"inference batch {configuration.BatchSize}, {rounds} rounds, " +
                          $"libtorch threads {get_num_threads()}");
        var results = new Dictionary<string, List<double>>
        {
            ["bare"] = [], ["transformer"] = [], ["reloaded"] = [], ["onnx"] = [], ["int8"] = [],
            ["transformer int8"] = [],
        };
        // Warm-up.
        Bare();
        Through(transformer);
        Onnx(encoder);
        Onnx(int8Encoder);
        Through(int8Transformer);
        using var pytorch = comparePyTorch
            ? PyTorchStepBench.Start(configuration, get_num_threads(), CpuBf16Features.Current)
            : null;
        for (int round = 0; round < rounds; round++)
        {
            pytorch?.RunEmbedRound(batches);
            results["onnx"].Add(Onnx(encoder));
            results["int8"].Add(Onnx(int8Encoder));
            results["bare"].Add(Bare());
            results["transformer"].Add(Through(transformer));
            results["reloaded"].Add(Through(reloaded));
            results["transformer int8"].Add(Through(int8Transformer));
        }
        double baseline = results["bare"].Max();
        Console.WriteLine($"{"measurement",-58} {"images/s (best round)",22} {"vs bare",9}");
        foreach (var (name, label) in new[]
                 {
                     ("bare", "bare TorchSharp forward (ready tensors, batched)"),
                     ("transformer", "AavaeTransformer over an IDataView (ONNX Runtime, batched)"),
                     ("reloaded", "reloaded model.zip (ONNX Runtime, one row per call)"),
                     ("onnx", "OnnxEncoder: the exported encoder in ONNX Runtime, batched"),
                     ("int8", "OnnxEncoder: the int8 export (pretrain --int8), batched"),
                     ("transformer int8", "AavaeTransformer after UseInt8, over an IDataView"),
                 })
            Console.WriteLine($"{label,-58} {results[name].Max(),22:F1} {results[name].Max() / baseline,8:F2}x");
        if (pytorch is not null)
        {
            Console.WriteLine($"PyTorch side: {pytorch.Version} (scripts/pytorch_step_bench.py, same encoder, " +
                              $"batch {configuration.BatchSize}, threads), eval mode, inference_mode");
            var theirs = pytorch.EmbedRates(batches * configuration.BatchSize);
            foreach (var (variant, rate) in theirs)
                Console.WriteLine($"{"PyTorch " + variant,-58} {rate,22:F1} {rate / baseline,8:F2}x");
            // The float paths (what every command uses by default) and the int8 one (asked for) apart.
            var ours = results.Where(r => !r.Key.Contains("int8")).MaxBy(r => r.Value.Max());
            var best = theirs.MaxBy(r => r.Value);
            Console.WriteLine($"best against best: AavaeMlNet {ours.Key} / PyTorch {best.Key} = " +
                              $"{ours.Value.Max() / best.Value:F2}x");
            var int8 = results.Where(r => r.Key.Contains("int8")).MaxBy(r => r.Value.Max());
            Console.WriteLine($"int8 against PyTorch's best: AavaeMlNet {int8.Key} / PyTorch {best.Key} = " +
                              $"{int8.Value.Max() / best.Value:F2}x");
        }
        if (profile)
        {
            OnnxOperatorProfile.Print("float encoder", onnx.ToArray(), onnxPixels, configuration.BatchSize, batches);
            OnnxOperatorProfile.Print("int8 encoder", int8Onnx.ToArray(), onnxPixels, configuration.BatchSize,
                batches);
        }
        Console.WriteLine($"peak resident memory: {TrainingStepBench.PeakResidentMegabytes():F0} MB");
        File.Delete(path);
    }
}
