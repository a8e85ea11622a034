using AavaeMlNet.Core.Tests.Io;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Evaluation.Reports;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>
/// Writes that fail in a real process: the file-size limit makes the bytes of a file stop part-way (EFBIG, as on a
/// full disk); the read-only folder refuses the file at its first byte. Each time the previous file stays as it was
/// and loadable, and no temporary file is left.
/// </summary>
[Collection(PretrainedModelCollection.Name)]
public sealed class WriteFailureTests(PretrainedModel model) : IDisposable
{
    private readonly string directory = TinyData.NewDirectory("write-failure");

    public void Dispose()
    {
        foreach (string folder in new[] { "out", "report" }.Select(name => Path.Combine(directory, name)))
            if (Directory.Exists(folder)) ReadOnlyFolder.MakeWritable(folder);
        Directory.Delete(directory, recursive: true);
    }

    [ReadOnlyFolderFact]
    public void A_model_zip_refused_by_its_folder_keeps_the_previous_model_loadable_and_leaves_no_temporary_file()
    {
        // The tiny model's finished run, copied: a --resume of it trains nothing and goes straight to model.zip.
        string output = CopyOfTheFinishedRun();
        string zip = Path.Combine(output, "model.zip");
        string last = Path.Combine(output, "checkpoints", Checkpoint.LatestFileName);
        byte[] previousZip = File.ReadAllBytes(zip);
        byte[] previousLast = File.ReadAllBytes(last);
        byte[] previousEncoder = File.ReadAllBytes(Path.Combine(output, "encoder.ckpt"));
        byte[] previousOnnx = File.ReadAllBytes(Path.Combine(output, "model.onnx"));
        Assert.True(ReadOnlyFolder.MakeReadOnly(output));

        var result = CliProcess.Run(directory, ResumeOfTheFinishedRun);

        ReadOnlyFolder.MakeWritable(output);
        CliProcess.AssertUserError(result, $"Cannot write '{zip}': its folder does not accept the temporary file");
        Assert.Equal(previousZip, File.ReadAllBytes(zip));
        Assert.Equal(previousLast, File.ReadAllBytes(last));
        Assert.Equal(previousEncoder, File.ReadAllBytes(Path.Combine(output, "encoder.ckpt")));
        Assert.Equal(previousOnnx, File.ReadAllBytes(Path.Combine(output, "model.onnx")));
        Assert.Equal(["checkpoints", "encoder.ckpt", "model.onnx", "model.zip"], Entries(output));
        Assert.Equal([Checkpoint.LatestFileName], Entries(Path.Combine(output, "checkpoints")));
        var embeddings = new MLContext(0).Model.Load(zip, out _)
            .Transform(new IdxSource(model.TestImages).ToDataView()).GetColumn<float[]>("Embedding").ToList();
        Assert.Equal(32, embeddings.Count);
        Assert.All(embeddings, e => Assert.True(e.Length == TinyData.EmbeddingSize && e.All(float.IsFinite)));
    }

    [Fact]
    public void A_model_zip_that_cannot_replace_a_folder_of_its_name_loses_nothing_and_leaves_no_temporary_file()
    {
        // Here the whole zip is written before the rename fails: the temporary file must still go.
        string output = CopyOfTheFinishedRun();
        string zip = Path.Combine(output, "model.zip");
        File.Delete(zip);
        Directory.CreateDirectory(zip);
        File.WriteAllText(Path.Combine(zip, "kept.txt"), "kept");

        var result = CliProcess.Run(directory, ResumeOfTheFinishedRun);

        CliProcess.AssertUserError(result, $"Cannot write '{zip}': ");
        Assert.Equal("kept", File.ReadAllText(Path.Combine(zip, "kept.txt")));
        Assert.Equal(["kept.txt"], Entries(zip));
        Assert.Equal(["checkpoints", "encoder.ckpt", "model.onnx", "model.zip"], Entries(output));
    }

    [LinuxFact]
    public void An_embed_output_cut_short_keeps_the_previous_output_and_every_part_for_the_rerun()
    {
        string output = Path.Combine(directory, "out.parquet");
        CliProcess.Succeed(directory, "embed", "--model", model.ModelPath, "--input", model.TestImages,
            "--output", output);
        byte[] previous = File.ReadAllBytes(output);
        byte[] previousManifest = File.ReadAllBytes(EmbeddingManifest.PathOf(output));
        // Loading the model writes its ONNX graph (~1.1 times the zip, ~700 KiB) to a temporary file: under twice the
        // zip's size, the parts of 500 rows of 64 floats (~130 KiB) fit and the merged 8,000 rows (~2 MiB) do not.
        string images = TinyData.WriteIdx(directory, 8000, seed: 5, prefix: "big");
        string[] args =
            ["embed", "--model", model.ModelPath, "--input", images, "--output", output, "--chunk-size", "500"];

        var failed = CliProcess.RunWithFileSizeLimit(directory, 2 * new FileInfo(model.ModelPath).Length / 1024, args);

        CliProcess.AssertUserError(failed, $"Cannot write '{output}': ");
        Assert.Equal(previous, File.ReadAllBytes(output));
        Assert.Equal(previousManifest, File.ReadAllBytes(EmbeddingManifest.PathOf(output)));
        Assert.Equal(32, EmbedCommandTests.ReadParquet(output).Count);
        var parts = Entries(output + ".parts");
        Assert.Equal(17, parts.Length); // 16 parts and the journal
        Assert.All(parts, name => Assert.False(name.StartsWith('.'), $"temporary file {name} left"));
        Assert.DoesNotContain(Entries(directory), name => name.StartsWith('.'));

        var rerun = CliProcess.Succeed(directory, args);

        Assert.Contains("into 16 part(s) of up to 500 rows; 16 already done.", rerun.Stdout);
        var rows = EmbedCommandTests.ReadParquet(output);
        Assert.Equal(Enumerable.Range(0, 8000).Select(i => (long)i), rows.Select(r => r.Index));
        Assert.False(Directory.Exists(output + ".parts"));
    }

    [ReadOnlyFolderFact]
    public void An_evaluation_report_refused_by_its_folder_keeps_the_previous_report_and_leaves_no_temporary_file()
    {
        string report = Path.Combine(directory, "report");
        string[] args = ["evaluate", "--model", model.ModelPath, "--train", model.TrainImages, "--test",
            model.TestImages, "--output", "report"];
        CliProcess.Succeed(directory, [.. args, "--knn-k", "5"]);
        byte[] previousJson = File.ReadAllBytes(Path.Combine(report, "metrics.json"));
        byte[] previousMarkdown = File.ReadAllBytes(Path.Combine(report, "report.md"));
        Assert.True(ReadOnlyFolder.MakeReadOnly(report));

        var result = CliProcess.Run(directory, [.. args, "--knn-k", "5,20"]);

        ReadOnlyFolder.MakeWritable(report);
        CliProcess.AssertUserError(result, $"Cannot write '{Path.Combine(report, "metrics.json")}'");
        Assert.Equal(previousJson, File.ReadAllBytes(Path.Combine(report, "metrics.json")));
        Assert.Equal(previousMarkdown, File.ReadAllBytes(Path.Combine(report, "report.md")));
        Assert.Equal(["metrics.json", "report.md"], Entries(report));
        var previousReport = ReportWriter.FromJson(File.ReadAllText(Path.Combine(report, "metrics.json")));
        Assert.Equal(2, previousReport.Results.Count); // the probe and kNN k=5: the first run's, not the second's
    }

    private string[] ResumeOfTheFinishedRun =>
        ["pretrain", "--idx", model.TrainImages, "--epochs", "1", "--resume", "--output", "out/model.zip"];

    private string CopyOfTheFinishedRun()
    {
        string output = Path.Combine(directory, "out");
        Copy(Path.Combine(model.Directory, "out"), output);
        return output;
    }

    private static string[] Entries(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal)
            .ToArray();

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string folder in Directory.GetDirectories(from))
            Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
