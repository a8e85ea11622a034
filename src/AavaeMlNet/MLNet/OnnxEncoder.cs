using System.Numerics.Tensors;
using AavaeMlNet.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace AavaeMlNet.MLNet;

/// <summary>
/// An exported encoder (<see cref="AavaeTransformer.ExportOnnx"/>, with a batch dimension) run by ONNX Runtime a
/// batch per call, writing straight into the caller's arrays. On the CPU this is the fastest way to embed measured
/// here, ahead of the TorchSharp forward and of ML.NET's OnnxTransformer, which runs the same graph one row per call
/// (docs/benchmarks.md). Thread-safe: one call runs at a time and uses ONNX Runtime's own threads.
/// </summary>
public sealed class OnnxEncoder : IDisposable
{
    private readonly object gate = new();
    private readonly InferenceSession session;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly long[] imageShape;

    /// <param name="model">The ONNX model: one float input (N, C, H, W) of fixed C, H, W and a symbolic N.</param>
    /// <param name="outputName">The output to read (N, size); null: the model's first output.</param>
    /// <exception cref="ArgumentException">The model has no batch dimension, no such output, or not one input (the
    /// message says which).</exception>
    public OnnxEncoder(byte[] model, string? outputName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        session = new InferenceSession(model, options);
        try
        {
            if (session.InputMetadata.Count != 1)
                throw new ArgumentException(
                    $"The encoder model has {session.InputMetadata.Count} inputs; one (N, C, H, W) input is expected.",
                    nameof(model));
            var (input, metadata) = session.InputMetadata.Single();
            int[] dims = metadata.Dimensions;
            if (dims.Length != 4 || dims[0] >= 0 || dims[1..].Any(d => d <= 0))
                throw new ArgumentException(
                    $"The encoder's input '{input}' has shape ({string.Join(", ", dims)}); (N, C, H, W) with a " +
                    "symbolic batch N and fixed C, H, W is expected (export without SingleImage).", nameof(model));
            string output = outputName ?? session.OutputMetadata.Keys.First();
            if (!session.OutputMetadata.TryGetValue(output, out var result) || result.Dimensions.Length != 2)
                throw new ArgumentException(
                    $"The encoder has no (N, size) output '{output}' (its outputs: " +
                    $"{string.Join(", ", session.OutputMetadata.Keys)}).", nameof(outputName));
            inputNames = [input];
            outputNames = [output];
            imageShape = [dims[1], dims[2], dims[3]];
            ImageLength = dims[1] * dims[2] * dims[3];
            Size = result.Dimensions[1];
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Values in one image: C * H * W.</summary>
    public int ImageLength { get; }

    /// <summary>Length of one embedding.</summary>
    public int Size { get; }

    /// <summary>
    /// Embeds <paramref name="count"/> images stored back to back in <paramref name="pixels"/> (CHW values in [0, 1])
    /// in one call; writes count * <see cref="Size"/> values to the start of <paramref name="embeddings"/>.
    /// </summary>
    public void Embed(float[] pixels, int count, float[] embeddings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if ((long)count * ImageLength > pixels.Length)
            throw new ArgumentException(
                $"Expected {count} images of {ImageLength} values, got {pixels.Length} values.", nameof(pixels));
        if ((long)count * Size > embeddings.Length)
            throw new ArgumentException(
                $"Expected room for {count} embeddings of {Size} values, got {embeddings.Length}.", nameof(embeddings));
        lock (gate)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                pixels.AsMemory(0, count * ImageLength), [count, .. imageShape]);
            using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                embeddings.AsMemory(0, count * Size), [count, Size]);
            using var run = new RunOptions();
            session.Run(run, inputNames, [input], outputNames, [output]);
        }
    }

    public void Dispose() => session.Dispose();

    /// <summary>
    /// The smallest cosine similarity between an int8 encoder's embedding and the float one that `aavae embed --int8`
    /// accepts on its check rows: enough to catch an encoder of another model or a broken calibration. Measured on a
    /// 10-minute Fashion-MNIST model: mean 0.9999, smallest 0.9997 over 4,096 test images; tiny models trained for
    /// seconds on synthetic images: 0.993-0.997.
    /// </summary>
    public const double Int8Agreement = 0.99;

    /// <summary>Cosine similarity of two embeddings of one length (1 for two zero vectors): how
    /// <see cref="Int8Agreement"/> is measured.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Embeddings of {a.Length} and {b.Length} values cannot be compared.");
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return aa == 0 && bb == 0 ? 1 : dot / Math.Sqrt(aa * bb);
    }

    /// <summary>
    /// Runs a calibration graph (an export with <c>ExposeActivations</c>) over <paramref name="images"/> (CHW pixel
    /// arrays in [0, 1]), a batch of up to 128 per call, and returns the smallest and largest value of every output.
    /// </summary>
    /// <exception cref="ArgumentException">No image, or an image of another length than the model's input.</exception>
    public static Dictionary<string, ActivationRange> Calibrate(byte[] model, IEnumerable<float[]> images)
    {
        const int batchSize = 128;
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(model, options);
        var (input, metadata) = session.InputMetadata.Single();
        long[] shape = [.. metadata.Dimensions.Skip(1).Select(d => (long)d)];
        long length = shape.Aggregate(1L, (a, b) => a * b);
        string[] outputs = [.. session.OutputMetadata.Keys];
        var ranges = new Dictionary<string, ActivationRange>();
        var batch = new List<float>();
        int count = 0, seen = 0;
        void Run()
        {
            using var value = OrtValue.CreateTensorValueFromMemory(batch.ToArray(), [count, .. shape]);
            using var run = new RunOptions();
            using var results = session.Run(run, [input], [value], outputs);
            for (int o = 0; o < outputs.Length; o++)
            {
                var values = results[o].GetTensorDataAsSpan<float>();
                float low = TensorPrimitives.Min(values), high = TensorPrimitives.Max(values);
                ranges[outputs[o]] = ranges.TryGetValue(outputs[o], out var r)
                    ? new ActivationRange(Math.Min(r.Min, low), Math.Max(r.Max, high))
                    : new ActivationRange(low, high);
            }
            batch.Clear();
            count = 0;
        }
        foreach (var image in images)
        {
            if (image.Length != length)
                throw new ArgumentException(
                    $"Calibration image {seen} has {image.Length} values; the encoder takes {length}.", nameof(images));
            batch.AddRange(image);
            count++;
            seen++;
            if (count == batchSize) Run();
        }
        if (count > 0) Run();
        if (seen == 0) throw new ArgumentException("Calibration needs at least one image.", nameof(images));
        return ranges;
    }
}
