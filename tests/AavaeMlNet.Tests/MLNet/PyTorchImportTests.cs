using AavaeMlNet.Augmentations;
using AavaeMlNet.MLNet;
using AavaeMlNet.PyTorch;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace AavaeMlNet.Tests.MLNet;

public class PyTorchImportTests
{
    private const int Length = 3 * 32 * 32;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "PyTorch", "Fixtures", name);

    private static PyTorchImportOptions Options => new()
    {
        InputKind = ImageColumnKind.Vector,
        Reference = new ReferenceImportOptions { SkipDecoder = true },
    };

    public sealed class PixelRow
    {
        [VectorType(Length)] public float[] Image { get; set; } = [];
    }

    private static PixelRow[] Rows(int count)
    {
        var random = new Random(7);
        return [.. Enumerable.Range(0, count).Select(_ => new PixelRow
        {
            Image = [.. Enumerable.Range(0, Length).Select(_ => (float)random.NextDouble())],
        })];
    }

    [Fact]
    public void Imported_reference_encoder_embeds_as_its_model_with_the_datasets_normalization()
    {
        var ml = new MLContext(1);
        var rows = Rows(4);
        using var transformer = ml.Transforms.ImportAavaePyTorch(Fixture("reference_r18_cifar.ckpt"), Options);
        Assert.Equal(32, transformer.EmbeddingSize);
        var embeddings = transformer.Transform(ml.Data.LoadFromEnumerable(rows))
            .GetColumn<float[]>("Embedding").ToArray();

        using var noGrad = no_grad();
        using var pixels = tensor(rows.SelectMany(r => r.Image).ToArray(), [rows.Length, 3, 32, 32]);
        using var normalized = Normalization.Cifar10.Apply(pixels);
        using var expected = transformer.Model.forward(normalized);
        var values = expected.data<float>().ToArray();
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < 32; j++) Assert.Equal(values[i * 32 + j], embeddings[i][j], 1e-6f);
    }

    [Fact]
    public void Imported_encoder_saved_as_model_zip_reloads_and_scores_within_1e_4()
    {
        var ml = new MLContext(1);
        var rows = Rows(5);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.ImportAavaePyTorch(Fixture("reference_r18_cifar.ckpt"), Options);
        var expected = transformer.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        using var directory = new TestDirectory("import");
        string path = directory.File("model.zip");
        ml.Model.Save(transformer, data.Schema, path);

        var fresh = new MLContext(2);
        var loaded = fresh.Model.Load(path, out _);
        var actual = loaded.Transform(fresh.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Embedding").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            double difference = expected[i].Zip(actual[i], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(difference <= 1e-4, $"row {i}: max abs difference {difference:G3}");
        }
    }

    [Fact]
    public void Export_from_the_transformer_writes_the_reference_tensors_unchanged()
    {
        var ml = new MLContext(1);
        using var transformer = ml.Transforms.ImportAavaePyTorch(Fixture("reference_r18_cifar.ckpt"), Options);
        using var directory = new TestDirectory("export");
        string path = directory.File("reference.pt");
        int written = transformer.ExportPyTorch(path);
        using var exported = ReferenceCheckpoint.Load(path);
        using var reference = ReferenceCheckpoint.Load(Fixture("reference_r18_cifar.ckpt"));
        Assert.Equal(written, exported.StateDict.Count);
        foreach (var (key, value) in exported.StateDict)
            Assert.True(Same(value, reference.StateDict[key]), key);
    }

    [Fact]
    public void Without_the_explicit_skip_a_file_with_the_reference_decoder_is_refused()
    {
        var options = Options;
        options.Reference = new ReferenceImportOptions();
        var error = Assert.Throws<InvalidDataException>(() =>
            new MLContext(1).Transforms.ImportAavaePyTorch(Fixture("reference_r18_cifar.ckpt"), options));
        Assert.Contains("SkipDecoder = true", error.Message);
    }

    private static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
