using AavaeMlNet.MLNet;
using Microsoft.ML;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>The exported encoder run by ONNX Runtime in batches: the transformer's CPU path.</summary>
public class OnnxEncoderTests
{
    [Fact]
    public void A_batched_export_embeds_as_the_transformer_and_a_single_image_export_is_refused_with_the_reason()
    {
        var ml = new MLContext(1);
        var options = TinyOptions(1);
        options.InputColumnName = nameof(PixelRow.Image);
        var data = Load(ml, 64);
        using var transformer = ml.Transforms.PretrainAavae(options).Fit(data);
        var rows = Rows(7, seed: 9);
        var expected = Column(transformer.Transform(ml.Data.LoadFromEnumerable(rows)), "Embedding");

        using var batched = new MemoryStream();
        transformer.ExportOnnx(batched);
        using var encoder = new OnnxEncoder(batched.ToArray());
        Assert.Equal((Side * Side, transformer.EmbeddingSize), (encoder.ImageLength, encoder.Size));
        var pixels = new float[10 * encoder.ImageLength]; // room for more than the 7 images given
        rows.SelectMany(r => r.Image).ToArray().CopyTo(pixels, 0);
        var embeddings = new float[7 * encoder.Size];
        encoder.Embed(pixels, 7, embeddings);
        for (int i = 0; i < rows.Count; i++)
            Assert.Equal(expected[i], embeddings[(i * encoder.Size)..((i + 1) * encoder.Size)]);

        var short_ = Assert.Throws<ArgumentException>(() => encoder.Embed(pixels, 8, embeddings));
        Assert.StartsWith($"Expected room for 8 embeddings of {encoder.Size} values, got {embeddings.Length}.",
            short_.Message);

        using var single = new MemoryStream();
        transformer.ExportOnnx(single, singleImage: true);
        var refused = Assert.Throws<ArgumentException>(() => new OnnxEncoder(single.ToArray()));
        Assert.StartsWith("The encoder's input 'Image' has shape (1, 1, 16, 16); (N, C, H, W) with a symbolic batch N",
            refused.Message);
    }

    [Fact]
    public void An_int8_export_is_calibrated_on_the_given_images_runs_with_int8_kernels_and_stays_close_to_float()
    {
        var ml = new MLContext(1);
        var options = TinyOptions(2);
        options.InputColumnName = nameof(PixelRow.Image);
        var data = Load(ml, 64);
        using var transformer = ml.Transforms.PretrainAavae(options).Fit(data);
        var calibration = Rows(40, seed: 3);

        using var int8 = new MemoryStream();
        var ranges = transformer.ExportOnnxInt8(int8, ml.Data.LoadFromEnumerable(calibration), images: 32);

        // The input normalization's output ranges over (pixel - mean) / std of the first 32 images, exactly.
        var normalization = transformer.Augmentation.Normalization!;
        var pixels = calibration.Take(32).SelectMany(r => r.Image).ToArray();
        var normalized = ranges["normalize.output"];
        Assert.Equal((pixels.Min() - normalization.Mean[0]) / normalization.Std[0], normalized.Min, 5);
        Assert.Equal((pixels.Max() - normalization.Mean[0]) / normalization.Std[0], normalized.Max, 5);
        var reluOutputs = ranges.Where(r => r.Key.EndsWith(".output", StringComparison.Ordinal)
            && r.Key != "normalize.output");
        Assert.All(reluOutputs,
            r => Assert.True(r.Value.Min >= 0, $"{r.Key}: a ReLU output ranges from {r.Value.Min}"));

        // ONNX Runtime fuses the QDQ graph into int8 kernels: convolutions and residual sums (each with its ReLU)
        // stay in uint8 from block to block, and only the activations the float ops read go back to float: the last
        // one for the pooling, and the third and fourth stages' outputs for the recipe's embedding grid.
        string optimized = Path.Combine(Path.GetTempPath(), $"aavae-int8-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var sessionOptions = new Microsoft.ML.OnnxRuntime.SessionOptions
                   {
                       GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                       OptimizedModelFilePath = optimized,
                   })
            using (new Microsoft.ML.OnnxRuntime.InferenceSession(int8.ToArray(), sessionOptions)) { }
            byte[] graph = File.ReadAllBytes(optimized);
            Assert.True(OpCount(graph, "QLinearConv") >= 8, "fewer QLinearConv nodes than convolutions");
            Assert.True(OpCount(graph, "QLinearAdd") >= 4, "fewer QLinearAdd nodes than residual sums");
            Assert.Equal(3, OpCount(graph, "DequantizeLinear"));
            Assert.Equal(0, OpCount(graph, "Relu"));
        }
        finally
        {
            File.Delete(optimized);
        }

        // Embeddings of other images: close to the float ones in direction, not equal.
        var rows = Rows(16, seed: 9);
        var expected = Column(transformer.Transform(ml.Data.LoadFromEnumerable(rows)), "Embedding");
        using var encoder = new OnnxEncoder(int8.ToArray());
        var embeddings = new float[rows.Count * encoder.Size];
        encoder.Embed([.. rows.SelectMany(r => r.Image)], rows.Count, embeddings);
        for (int i = 0; i < rows.Count; i++)
        {
            var actual = embeddings.AsSpan(i * encoder.Size, encoder.Size);
            double cosine = OnnxEncoder.Cosine(actual, expected[i]);
            Assert.True(cosine >= 0.99, $"image {i}: cosine {cosine} to the float embedding");
            Assert.NotEqual(expected[i], actual.ToArray());
        }

        var wrong = Assert.Throws<ArgumentException>(() => OnnxEncoder.Calibrate(int8.ToArray(), [new float[5]]));
        Assert.StartsWith($"Calibration image 0 has 5 values; the encoder takes {Side * Side}.", wrong.Message);
    }

    // Nodes of an ONNX graph with this op type: NodeProto's op_type is field 4, a length-prefixed string.
    private static int OpCount(byte[] model, string opType)
    {
        byte[] field = [0x22, (byte)opType.Length, .. System.Text.Encoding.ASCII.GetBytes(opType)];
        int count = 0;
        var rest = model.AsSpan();
        for (int at; (at = rest.IndexOf(field)) >= 0; rest = rest[(at + field.Length)..]) count++;
        return count;
    }

    [Fact]
    public void UseInt8_embeds_in_int8_in_process_and_after_a_reload_and_bad_calibration_data_changes_nothing()
    {
        var ml = new MLContext(1);
        var options = TinyOptions(2);
        options.InputColumnName = nameof(PixelRow.Image);
        var data = Load(ml, 64);
        using var transformer = ml.Transforms.PretrainAavae(options).Fit(data);
        var calibration = ml.Data.LoadFromEnumerable(Rows(40, seed: 3));
        var rows = ml.Data.LoadFromEnumerable(Rows(16, seed: 9));
        var asFloat = Column(transformer.Transform(rows), "Embedding");
        Assert.False(transformer.IsInt8);

        double least = transformer.UseInt8(calibration, images: 32);

        Assert.True(transformer.IsInt8);
        Assert.InRange(least, OnnxEncoder.Int8Agreement, 1.0);
        // Transform runs the graph ExportOnnxInt8 writes for the same calibration, bit for bit, batched and row by row.
        using var exported = new MemoryStream();
        transformer.ExportOnnxInt8(exported, calibration, images: 32);
        using var encoder = new OnnxEncoder(exported.ToArray());
        var pixels = Rows(16, seed: 9).SelectMany(r => r.Image).ToArray();
        var expected = new float[16 * encoder.Size];
        encoder.Embed(pixels, 16, expected);
        var asInt8 = Column(transformer.Transform(rows), "Embedding");
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(expected[(i * encoder.Size)..((i + 1) * encoder.Size)], asInt8[i]);
            Assert.True(OnnxEncoder.Cosine(asInt8[i], asFloat[i]) >= 0.99, $"image {i}: far from the float one");
            Assert.NotEqual(asFloat[i], asInt8[i]);
        }
        var one = new float[transformer.EmbeddingSize];
        transformer.EmbedOne(Rows(16, seed: 9)[3].Image, one);
        Assert.Equal(asInt8[3], one);

        // model.zip keeps the int8 encoder: a loaded model embeds as the transformer does.
        string path = Path.Combine(TempDirectory(), "int8.zip");
        ml.Model.Save(transformer, transformer.InputSchema, path);
        var loaded = new MLContext(2).Model.Load(path, out _);
        var reloaded = Column(loaded.Transform(rows), "Embedding");
        for (int i = 0; i < 16; i++)
            Assert.True(OnnxEncoder.Cosine(reloaded[i], asInt8[i]) >= 0.9999, $"image {i}: reloaded differs");

        // Calibration data without the input column, or without rows: the error, and the int8 encoder stays.
        var other = ml.Data.LoadFromEnumerable(new[] { new { Other = 1f } });
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.UseInt8(other));
        Assert.Contains("Could not find input column 'Image'", missing.Message);
        var empty = ml.Data.LoadFromEnumerable(new List<PixelRow>());
        Assert.ThrowsAny<ArgumentException>(() => transformer.UseInt8(empty));
        Assert.True(transformer.IsInt8);
        Assert.Equal(asInt8, Column(transformer.Transform(rows), "Embedding"));
    }

    [Fact]
    public void Cosine_is_the_normalized_dot_product_and_refuses_embeddings_of_different_lengths()
    {
        Assert.Equal(1 / Math.Sqrt(2), OnnxEncoder.Cosine([1f, 0f], [1f, 1f]), 12);
        Assert.Equal(-1, OnnxEncoder.Cosine([2f, -4f], [-1f, 2f]), 12);
        Assert.Equal(1, OnnxEncoder.Cosine([0f, 0f], [0f, 0f]));
        var error = Assert.Throws<ArgumentException>(() => OnnxEncoder.Cosine([1f], [1f, 2f]));
        Assert.Equal("Embeddings of 1 and 2 values cannot be compared.", error.Message);
    }
}
