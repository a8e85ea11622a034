using AavaeMlNet.Data.Readers;
using AavaeMlNet.MLNet;
using AavaeMlNet.Pixels;
using Microsoft.ML;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>An embedding does not depend on the route an image took into the model.</summary>
public class PixelRouteTests(FittedTransformerFixture fixture) : IClassFixture<FittedTransformerFixture>
{
    [Fact]
    public void Png_files_embed_alike_through_load_images_and_through_the_folder_reader()
    {
        var ml = new MLContext(1);
        string folder = TempDirectory();
        var files = ImageFiles.Write(folder, 20, seed: 3, colour: true); // 20x20 RGB, resized to 16x16 below
        var data = ml.Data.LoadFromEnumerable(files);
        var images = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path")
            .Append(ml.Transforms.ResizeImages("Image", Side, Side));
        var options = TinyOptions(epochs: 1);
        options.Channels = 1;
        options.InferenceBatchSize = files.Count;
        using var aavae = images.Append(ml.Transforms.PretrainAavae(options)).Fit(data).LastTransformer;
        var throughMlNet = Column(aavae.Transform(images.Fit(data).Transform(data)), "Embedding");

        var folderOptions = new ImageFolderOptions { Width = Side, Height = Side, Channels = 1 };
        var records = new ImageFolderSource(folder, folderOptions).Read().ToList();
        var pixels = records.SelectMany(r => PixelScale.ToUnit(r.PixelsChw)).ToArray();
        var embeddings = new float[records.Count * aavae.EmbeddingSize];
        aavae.EmbedBatch(pixels, records.Count, embeddings);

        Assert.Equal(throughMlNet.Length, records.Count);
        Assert.Equal(throughMlNet.SelectMany(e => e), embeddings);
    }

    [Fact]
    public void The_unit_scale_moves_embeddings_by_float_rounding_only_against_division_by_255()
    {
        var random = new Random(4);
        int length = fixture.Transformer.Input.Length, count = 16;
        var bytes = Enumerable.Range(0, count * length).Select(_ => (byte)random.Next(256)).ToArray();
        var scaled = PixelScale.ToUnit(bytes);
        var divided = bytes.Select(b => b / 255f).ToArray();
        var before = new float[count * fixture.Transformer.EmbeddingSize];
        var after = new float[before.Length];

        fixture.Transformer.EmbedBatch(divided, count, before);
        fixture.Transformer.EmbedBatch(scaled, count, after);

        Assert.False(scaled.SequenceEqual(divided)); // the two scales do differ
        double worst = before.Zip(after, (b, a) => Math.Abs(b - a)).Max();
        double largest = before.Max(Math.Abs);
        // Measured 1.2e-6 on embeddings up to 0.96: one-ulp pixel changes, amplified by the network.
        Assert.True(worst < 1e-5 * largest, $"max abs difference {worst} on embeddings up to {largest}");
    }
}
