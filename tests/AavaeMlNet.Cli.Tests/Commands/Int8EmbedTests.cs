using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.MLNet;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>
/// `aavae pretrain --int8` writes the encoder in int8 beside the model; `embed --int8` and `evaluate --int8` use it,
/// checked against the model on the first rows; without the file they stop and say how to make it.
/// </summary>
[Collection(PretrainedModelCollection.Name)]
public class Int8EmbedTests(PretrainedModel model)
{
    [Fact]
    public void Pretrain_int8_writes_the_int8_encoder_that_embed_and_evaluate_int8_run_close_to_the_float_model()
    {
        string directory = TinyData.NewDirectory("int8");
        var pretrain = CliProcess.Succeed(directory, ["pretrain", "--idx", model.TrainImages, "--preset",
            "grayscale", .. PretrainedModel.TinyArguments, "--output", "model.zip", "--int8"]);
        string int8 = Path.Combine(directory, "model.int8.onnx");
        Assert.Contains($"Int8 encoder: {int8}.", pretrain.Stdout);

        var floatRun = CliProcess.Succeed(directory, "embed", "--model", "model.zip", "--input", model.TestImages,
            "--output", "float.parquet");
        var int8Run = CliProcess.Succeed(directory, "embed", "--model", "model.zip", "--input", model.TestImages,
            "--output", "int8.parquet", "--int8");
        Assert.Contains("Embedding through model.onnx in ONNX Runtime", floatRun.Stdout);
        Assert.Contains("Embedding through model.int8.onnx (int8) in ONNX Runtime, a chunk per call (its first 16 " +
                        $"rows checked against the model: cosine at least {OnnxEncoder.Int8Agreement})",
            int8Run.Stdout);

        var expected = EmbedCommandTests.ReadParquet(Path.Combine(directory, "float.parquet"));
        var actual = EmbedCommandTests.ReadParquet(Path.Combine(directory, "int8.parquet"));
        Assert.Equal(expected.Select(r => r.Index), actual.Select(r => r.Index));
        for (int i = 0; i < expected.Count; i++)
        {
            double cosine = OnnxEncoder.Cosine(expected[i].Embedding, actual[i].Embedding);
            Assert.True(cosine >= OnnxEncoder.Int8Agreement, $"row {i}: cosine {cosine}");
        }
        Assert.NotEqual(expected[0].Embedding, actual[0].Embedding);
        // The manifest tells the two outputs apart, so they never resume into or merge with each other.
        string modelSha = EmbeddingManifest.Sha256(Path.Combine(directory, "model.zip"));
        Assert.Equal(modelSha, EmbeddingManifest.Read(Path.Combine(directory, "float.parquet"))!.ModelSha256);
        Assert.Equal($"{modelSha}+int8:{EmbeddingManifest.Sha256(int8)}",
            EmbeddingManifest.Read(Path.Combine(directory, "int8.parquet"))!.ModelSha256);

        CliProcess.Succeed(directory, "evaluate", "--model", "tiny=model.zip", "--int8", "--train", model.TrainImages,
            "--test", model.TestImages, "--knn-k", "", "--output", "report");
        var report = ReportWriter.FromJson(File.ReadAllText(Path.Combine(directory, "report", "metrics.json")));
        Assert.Contains(report.Results, r => r.Model == "tiny");
        Assert.Contains(report.Results, r => r.Model == "tiny (int8)");
    }

    [Fact]
    public void Embed_int8_without_the_int8_encoder_stops_naming_the_file_and_how_to_write_it()
    {
        string directory = TinyData.NewDirectory("int8-missing");
        var result = CliProcess.Run(directory, "embed", "--model", model.ModelPath, "--input", model.TestImages,
            "--output", "out.parquet", "--int8");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"No int8 encoder '{ModelEmbedder.Int8OnnxPathOf(model.ModelPath)}' beside the model: write " +
                        "it with `aavae pretrain --int8`, or leave out --int8.", result.Stderr);
        Assert.False(File.Exists(Path.Combine(directory, "out.parquet")));
        Assert.False(Directory.Exists(Path.Combine(directory, "out.parquet.parts")));
    }
}
