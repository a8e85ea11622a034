using AavaeMlNet.BatchEmbedding;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>
/// `embed` over a journal that an unfinished run left in &lt;output&gt;.parts/: the run stops for real at a truncated
/// PNG (--on-bad-image fail) after some parts; a rerun of another job is refused naming what differs and touches no
/// part; the same job, once the image is repaired, finishes from the parts.
/// </summary>
[Collection(PretrainedModelCollection.Name)]
public sealed class EmbedJournalTests(PretrainedModel model) : IDisposable
{
    private readonly string directory = TinyData.NewDirectory("embed-journal");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_rerun_with_another_chunk_size_is_refused_naming_both_and_the_same_job_then_finishes()
    {
        var (folder, repair) = FolderThatFailsAtRecord10();
        string output = Path.Combine(directory, "out.parquet");
        string parts = output + ".parts";
        string[] job = ["embed", "--model", model.ModelPath, "--input", folder, "--output", output,
            "--on-bad-image", "fail"];
        var before = Unfinished(parts, CliProcess.Run(directory, [.. job, "--chunk-size", "2"]), folder);

        var other = CliProcess.Run(directory, [.. job, "--chunk-size", "3"]);

        CliProcess.AssertUserError(other, $"aavae: '{parts}' holds the parts of another embed job: " +
            "--chunk-size 2 there, 3 now. Rerun with that job's settings to finish it, or delete the folder to " +
            "start over.");
        AssertSameFiles(before, parts);
        Assert.False(File.Exists(output));

        repair();
        var finished = CliProcess.Succeed(directory, [.. job, "--chunk-size", "2"]);

        AssertFinishedFromTheParts(finished, before, output, folder);
    }

    [Fact]
    public void Another_model_saved_over_the_same_path_is_refused_and_the_same_model_moved_elsewhere_continues()
    {
        var (folder, repair) = FolderThatFailsAtRecord10();
        string first = Path.Combine(directory, "a", "model.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(first)!);
        File.Copy(model.ModelPath, first);
        string output = Path.Combine(directory, "out.parquet");
        string parts = output + ".parts";
        string[] job = ["--input", folder, "--output", output, "--on-bad-image", "fail", "--chunk-size", "2"];
        var before = Unfinished(parts, CliProcess.Run(directory, ["embed", "--model", first, .. job]), folder);
        string moved = Path.Combine(directory, "b", "model.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        File.Move(first, moved);
        // Another model of the same architecture, trained with another seed, saved where the first one was.
        CliProcess.Succeed(directory, ["pretrain", "--idx", model.TestImages, .. PretrainedModel.TinyArguments,
            "--seed", "9", "--output", "a/model.zip"]);

        var other = CliProcess.Run(directory, ["embed", "--model", first, .. job]);

        CliProcess.AssertUserError(other, $"aavae: '{parts}' holds the parts of another embed job: model '{first}' " +
            $"(SHA-256 {EmbeddingManifest.Sha256(moved)[..12]}...) there, '{first}' (SHA-256 " +
            $"{EmbeddingManifest.Sha256(first)[..12]}...) now. Rerun with that job's settings");
        AssertSameFiles(before, parts);

        repair();
        var finished = CliProcess.Succeed(directory, ["embed", "--model", moved, .. job]);

        AssertFinishedFromTheParts(finished, before, output, folder);
    }

    /// <summary>12 PNGs, 3 per class; class3/img001.png (record 10) truncated until the returned action repairs it.
    /// </summary>
    private (string Folder, Action Repair) FolderThatFailsAtRecord10()
    {
        string folder = TinyData.WritePngFolder(directory, perClass: 3);
        string bad = Path.Combine(folder, "class3", "img001.png");
        byte[] good = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, good[..(good.Length / 2)]);
        return (folder, () => File.WriteAllBytes(bad, good));
    }

    // The run stopped at record 10 (chunk 5 of 2 rows): the parts of the chunks before it and the journal are left.
    private static Dictionary<string, byte[]> Unfinished(string parts, CliResult run, string folder)
    {
        CliProcess.AssertUserError(run, $"File '{Path.Combine(folder, "class3", "img001.png")}' (record 10)");
        var files = Directory.GetFiles(parts).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Contains("progress.json", files.Keys);
        Assert.Contains("part-00000.parquet", files.Keys);
        return files;
    }

    private static void AssertSameFiles(Dictionary<string, byte[]> before, string parts)
    {
        var after = Directory.GetFiles(parts).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before) Assert.True(bytes.SequenceEqual(after[name]), $"{name} changed");
    }

    private static void AssertFinishedFromTheParts(CliResult finished, Dictionary<string, byte[]> before,
        string output, string folder)
    {
        int reused = before.Keys.Count(name => name.StartsWith("part-", StringComparison.Ordinal));
        Assert.Contains($"into 6 part(s) of up to 2 rows; {reused} already done.", finished.Stdout);
        var rows = EmbedCommandTests.ReadParquet(output);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), rows.Select(r => r.Index));
        var expected = Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Select(r => r.Path!));
        Assert.False(Directory.Exists(output + ".parts"));
    }
}
