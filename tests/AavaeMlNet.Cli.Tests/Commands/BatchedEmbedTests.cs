namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>
/// `aavae pretrain` writes model.onnx beside model.zip; `embed` runs it a chunk per call after checking it against the
/// model on the first rows, and falls back to the model.zip (one row per call) without it or when it belongs to
/// another model.
/// </summary>
[Collection(PretrainedModelCollection.Name)]
public class BatchedEmbedTests(PretrainedModel model)
{
    private (CliResult Result, List<float[]> Embeddings) Embed(string directory, string modelPath)
    {
        var result = CliProcess.Succeed(directory, "embed", "--model", modelPath, "--input", model.TestImages,
            "--output", "out.parquet", "--chunk-size", "10");
        var rows = EmbedCommandTests.ReadParquet(Path.Combine(directory, "out.parquet"));
        return (result, rows.Select(r => r.Embedding).ToList());
    }

    private static string CopyModel(string modelPath, string directory, bool withOnnx)
    {
        string copy = Path.Combine(directory, "model.zip");
        File.Copy(modelPath, copy);
        if (withOnnx) File.Copy(Path.ChangeExtension(modelPath, ".onnx"), Path.ChangeExtension(copy, ".onnx"));
        return copy;
    }

    [Fact]
    public void Embed_runs_the_onnx_beside_the_model_in_chunks_and_gives_the_models_embeddings()
    {
        Assert.True(File.Exists(Path.ChangeExtension(model.ModelPath, ".onnx")), "pretrain wrote no model.onnx");

        string batchedDirectory = TinyData.NewDirectory("embed-batched");
        var (batched, fast) = Embed(batchedDirectory, CopyModel(model.ModelPath, batchedDirectory, withOnnx: true));
        Assert.Contains("Embedding through model.onnx in ONNX Runtime, a chunk per call (its first 16 rows checked " +
                        "against the model).", batched.Stdout);
        Assert.DoesNotContain("Embedded through", batched.Stdout);

        string rowDirectory = TinyData.NewDirectory("embed-rows");
        var (rowWise, slow) = Embed(rowDirectory, CopyModel(model.ModelPath, rowDirectory, withOnnx: false));
        Assert.Contains("Embedding through the model one row per call (ML.NET's OnnxTransformer; no model.onnx " +
                        "beside it to run in batches).", rowWise.Stdout);

        Assert.Equal(32, fast.Count);
        Assert.True(EmbeddingComparison.MaxDifference(slow, fast) <= 1e-4);
    }

    [Fact]
    public void An_onnx_of_another_model_is_noticed_on_the_first_rows_and_the_model_zip_embeds_alone()
    {
        string other = TinyData.NewDirectory("embed-other-model");
        string[] arguments = ["pretrain", "--idx", model.TrainImages, .. PretrainedModel.TinyArguments, "--seed", "7",
            "--output", "other.zip"];
        CliProcess.Succeed(other, arguments);

        string directory = TinyData.NewDirectory("embed-mismatch");
        string copy = CopyModel(model.ModelPath, directory, withOnnx: false);
        File.Copy(Path.Combine(other, "other.onnx"), Path.ChangeExtension(copy, ".onnx"));
        var (result, embeddings) = Embed(directory, copy);
        Assert.Matches(@"Embedded through the model one row per call \(model\.onnx beside it differs from the model " +
                       @"by up to [0-9.eE+-]+ on the first rows: it belongs to another model\)\.", result.Stdout);

        string reference = TinyData.NewDirectory("embed-mismatch-reference");
        var (_, expected) = Embed(reference, CopyModel(model.ModelPath, reference, withOnnx: false));
        Assert.Equal(expected, embeddings);
    }
}
