using System.Diagnostics;
using System.Text.Json;
using AavaeMlNet.MLNet;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;

namespace AavaeMlNet.Tests.MLNet;

public class PersistenceTests
{
    private static float[][] Scores(ITransformer model, IDataView data, string column = "Score") =>
        model.Transform(data).GetColumn<float[]>(column).ToArray();

    private static void AssertClose(float[][] expected, float[][] actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < expected[i].Length; j++)
                worst = Math.Max(worst, Math.Abs(expected[i][j] - actual[i][j]));
        Assert.True(worst <= tolerance, $"max abs difference {worst}");
    }

    /// <summary>Scores a saved model in a fresh process that has no TorchSharp at all.</summary>
    private static Dictionary<string, float[][]> ScoreInFreshProcess(string modelPath, string kind, object input,
        params string[] columns)
    {
        string directory = Path.GetDirectoryName(modelPath)!;
        string inputPath = Path.Combine(directory, "input.json");
        string outputPath = Path.Combine(directory, "output.json");
        File.WriteAllText(inputPath, JsonSerializer.Serialize(input));
        string configuration =
            new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string loader = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..",
            "AavaeMlNet.ModelLoader", "bin", configuration, "net10.0", "AavaeMlNet.ModelLoader.dll"));
        Assert.True(File.Exists(loader), $"model loader not built at {loader}");
        var start = new ProcessStartInfo("dotnet", [loader, modelPath, kind, inputPath, outputPath, .. columns])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"loader failed: {stdout}\n{stderr}");
        return JsonSerializer.Deserialize<Dictionary<string, float[][]>>(File.ReadAllText(outputPath))!;
    }

    [Fact]
    public void Vector_pipeline_with_a_linear_trainer_saves_and_loads_with_equal_scores_here_and_in_a_fresh_process()
    {
        var ml = new MLContext(1);
        var train = Load(ml, 120, seed: 1);
        var pipeline = ml.Transforms.PretrainAavae(TinyOptions())
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Embedding"));
        var model = pipeline.Fit(train);
        var test = Rows(30, seed: 9);
        var testView = ml.Data.LoadFromEnumerable(test);
        var expected = Scores(model, testView);
        var expectedEmbeddings = Scores(model, testView, "Embedding");

        string path = Path.Combine(TempDirectory(), "model.zip");
        ml.Model.Save(model, train.Schema, path);

        var fresh = new MLContext(7);
        var loaded = fresh.Model.Load(path, out var schema);
        Assert.Equal(train.Schema["Image"].Type, schema["Image"].Type);
        AssertClose(expected, Scores(loaded, fresh.Data.LoadFromEnumerable(test)));
        AssertClose(expectedEmbeddings, Scores(loaded, fresh.Data.LoadFromEnumerable(test), "Embedding"));

        var engine = fresh.Model.CreatePredictionEngine<PixelRow, ScoreRow>(loaded);
        AssertClose([expected[0]], [engine.Predict(test[0]).Score]);

        var outOfProcess =
            ScoreInFreshProcess(path, "vector", test.Select(r => r.Image).ToArray(), "Score", "Embedding");
        AssertClose(expected, outOfProcess["Score"]);
        AssertClose(expectedEmbeddings, outOfProcess["Embedding"]);
    }

    [Fact]
    public void Mu_representation_embeds_the_latent_mean_and_keeps_it_through_save_and_load()
    {
        var ml = new MLContext(1);
        var train = Load(ml, 64, seed: 1);
        var options = TinyOptions(epochs: 1);
        options.Representation = Representation.Mu;
        using var transformer = ml.Transforms.PretrainAavae(options).Fit(train);
        Assert.Equal(Representation.Mu, transformer.Representation);
        Assert.Equal(16, transformer.EmbeddingSize); // the latent size, not the backbone's 64 features
        var test = Rows(20, seed: 9);
        var embedded = Scores(transformer, ml.Data.LoadFromEnumerable(test), "Embedding");

        // By hand: mu of q(z|x) from the trained model in eval mode and fp32 (inference is fp32 whatever the model
        // trained in), on the normalized pixels.
        using (TorchSharp.torch.no_grad())
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            var pixels = TorchSharp.torch.tensor(test.SelectMany(r => r.Image).ToArray(), [20, 1, 16, 16]);
            transformer.Model.eval();
            transformer.Model.Compute.Precision = AavaeMlNet.Model.Precision.Float32;
            var (mu, _) = transformer.Model.Encode(transformer.Augmentation.Normalization.Apply(pixels));
            var values = mu.contiguous().data<float>().ToArray();
            AssertClose(Enumerable.Range(0, 20).Select(i => values[(i * 16)..((i + 1) * 16)]).ToArray(), embedded,
                1e-5);
        }

        string path = Path.Combine(TempDirectory(), "mu.zip");
        ml.Model.Save(transformer, train.Schema, path);
        var fresh = new MLContext(7);
        var loaded = fresh.Model.Load(path, out _);
        var reloaded = Scores(loaded, fresh.Data.LoadFromEnumerable(test), "Embedding");
        Assert.All(reloaded, row => Assert.Equal(16, row.Length));
        AssertClose(embedded, reloaded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Image_file_pipeline_ending_in_fasttree_or_a_linear_trainer_round_trips(bool fastTree)
    {
        var ml = new MLContext(1);
        string directory = TempDirectory();
        var rows = ImageFiles.Write(directory, 60, seed: 3, colour: fastTree);
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = TinyOptions(epochs: 1);
        options.Channels = fastTree ? 3 : 1;
        var features = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path")
            .Append(ml.Transforms.ResizeImages("Image", 16, 16))
            .Append(ml.Transforms.PretrainAavae(options))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"));
        var model = fastTree
            ? features.Append(ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.FastTree(
                    "Label", "Embedding", numberOfLeaves: 4, numberOfTrees: 10, minimumExampleCountPerLeaf: 2),
                labelColumnName: "Label")).Fit(data)
            : features.Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Embedding"))
                .Fit(data) as ITransformer;
        var expected = Scores(model, data);

        string path = Path.Combine(directory, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext(5);
        var loaded = fresh.Model.Load(path, out _);
        AssertClose(expected, Scores(loaded, fresh.Data.LoadFromEnumerable(rows)));
        var outOfProcess = ScoreInFreshProcess(path, "path", rows.Select(r => r.Path).ToArray(), "Score");
        AssertClose(expected, outOfProcess["Score"]);
    }

    [Fact]
    public void Onnx_export_of_the_encoder_is_standalone_and_named_after_the_columns()
    {
        var ml = new MLContext(1);
        using var transformer = ml.Transforms.PretrainAavae(TinyOptions(epochs: 1)).Fit(Load(ml, 40));
        using var stream = new MemoryStream();
        transformer.ExportOnnx(stream);
        Assert.True(stream.Length > 1000);
        var onnx = ml.Transforms.ApplyOnnxModel("Embedding", "Image", new MemoryStream(stream.ToArray()))
            .Fit(Load(ml, 5));
        var expected = transformer.Transform(Load(ml, 5)).GetColumn<float[]>("Embedding").ToArray();
        AssertClose(expected, onnx.Transform(Load(ml, 5)).GetColumn<float[]>("Embedding").ToArray());
    }

    public sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
