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
}
