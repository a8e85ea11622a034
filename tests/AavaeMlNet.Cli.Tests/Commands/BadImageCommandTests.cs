using AavaeMlNet.BatchEmbedding;
using Parquet;
using Parquet.Serialization;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>`embed` over a folder holding real bad files: a truncated PNG and a text file named .jpg.</summary>
[Collection(PretrainedModelCollection.Name)]
public class BadImageCommandTests(PretrainedModel model)
{
    private static (string Folder, string Truncated, string Text) FolderWithBadFiles(string directory)
    {
        string folder = TinyData.WritePngFolder(directory, perClass: 3);
        byte[] good = File.ReadAllBytes(Path.Combine(folder, "class1", "img000.png"));
        string truncated = Path.Combine(folder, "class1", "img001.png");
        File.WriteAllBytes(truncated, good[..(good.Length * 2 / 3)]);
        string text = Path.Combine(folder, "class2", "notes.jpg");
        File.WriteAllText(text, "this is a text file");
        return (folder, truncated, text);
    }

    [Fact]
    public async Task Embed_skips_bad_files_by_default_lists_them_and_writes_exactly_the_good_ones()
    {
        string directory = TinyData.NewDirectory("embed-bad");
        var (folder, truncated, text) = FolderWithBadFiles(directory);
        string output = Path.Combine(directory, "out.parquet");

        var result = CliProcess.Succeed(directory, "embed", "--model", model.ModelPath, "--input", folder,
            "--output", output, "--chunk-size", "4");

        var rows = (await ParquetSerializer.DeserializeAsync<EmbeddingRow>(output, new ParquetOptions())).Data;
        var expected = Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories)
            .Where(f => f != truncated).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Select(r => r.Path!));
        Assert.Contains($"Wrote 11 embeddings", result.Stdout);
        Assert.Contains($"Skipped 2 unreadable image(s); listed in {output}.rejects.csv.", result.Stdout);
        var rejects = File.ReadAllLines(output + ".rejects.csv");
        Assert.Equal("path,reason", rejects[0]);
        Assert.StartsWith($"{truncated},the PNG ends at byte ", rejects[1]);
        Assert.Equal($"{text},not a PNG or JPEG file (it starts with bytes 74686973)", rejects[2]);
        Assert.Equal(3, rejects.Length);
    }

    [Fact]
    public void Pretrain_stops_at_the_first_bad_file_by_default_naming_it()
    {
        string directory = TinyData.NewDirectory("pretrain-bad");
        var (folder, truncated, _) = FolderWithBadFiles(directory);
        var result = CliProcess.Run(directory, ["pretrain", "--folder", folder, "--size", "16", "--channels", "1",
            .. PretrainedModel.TinyArguments, "--output", "m.zip"]);
        CliProcess.AssertUserError(result,
            $"File '{truncated}' (record 4) could not be decoded as a PNG or JPEG image");
        Assert.False(File.Exists(Path.Combine(directory, "m.zip")));
    }

    [Fact]
    public void Pretrain_with_skip_trains_on_the_good_files_and_lists_the_bad_ones()
    {
        string directory = TinyData.NewDirectory("pretrain-bad-skip");
        var (folder, truncated, text) = FolderWithBadFiles(directory);

        var result = CliProcess.Succeed(directory, ["pretrain", "--folder", folder, "--size", "16", "--channels", "1",
            .. PretrainedModel.TinyArguments, "--on-bad-image", "skip", "--output", "m.zip"]);

        Assert.True(File.Exists(Path.Combine(directory, "m.zip")));
        string rejects = Path.Combine(directory, "m.zip.rejects.csv");
        Assert.Contains($"listed in {rejects}", result.Stdout);
        string[] lines = File.ReadAllLines(rejects);
        Assert.Equal("path,reason", lines[0]);
        Assert.Equal([truncated, text], lines.Skip(1).Select(line => line.Split(',')[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Evaluate_stops_at_a_bad_file_by_default_and_with_skip_scores_exactly_the_good_ones()
    {
        string directory = TinyData.NewDirectory("evaluate-bad");
        var (folder, truncated, text) = FolderWithBadFiles(directory);
        string[] args = ["evaluate", "--model", model.ModelPath, "--train", folder, "--test", folder, "--knn-k", "",
            "--output", "report"];

        var stopped = CliProcess.Run(directory, args);
        var skipped = CliProcess.Succeed(directory, [.. args, "--on-bad-image", "skip"]);

        CliProcess.AssertUserError(stopped, $"File '{truncated}'");
        Assert.Contains("Embedded 11 train and 11 test images", skipped.Stdout);
        string rejects = Path.Combine(directory, "report", "rejects.csv");
        Assert.Contains($"Skipped 4 unreadable image(s); listed in {rejects}.", skipped.Stdout);
        // Each bad file once for the train input and once for the test input.
        Assert.Equal([truncated, truncated, text, text],
            File.ReadAllLines(rejects).Skip(1).Select(line => line.Split(',')[0]).Order(StringComparer.Ordinal));
        var report = Evaluation.Reports.ReportWriter.FromJson(
            File.ReadAllText(Path.Combine(directory, "report", "metrics.json")));
        Assert.Equal("11", report.Settings["train_images"]);
    }
}
