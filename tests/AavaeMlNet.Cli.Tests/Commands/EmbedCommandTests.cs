using System.Globalization;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Inference;
using AavaeMlNet.Pixels;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Parquet;
using Parquet.Serialization;
using static TorchSharp.torch;

namespace AavaeMlNet.Cli.Tests.Commands;

[Collection(PretrainedModelCollection.Name)]
public class EmbedCommandTests(PretrainedModel model)
{
    internal static List<EmbeddingRow> ReadParquet(string path) =>
        ParquetSerializer.DeserializeAsync<EmbeddingRow>(path, new ParquetOptions())
            .GetAwaiter()
            .GetResult()
            .Data.ToList();

    private static float[][] InProcessEmbeddings(string modelPath, string images)
    {
        var ml = new MLContext(0);
        var loaded = ml.Model.Load(modelPath, out _);
        return loaded.Transform(new IdxSource(images).ToDataView()).GetColumn<float[]>("Embedding").ToArray();
    }

    // The checkpoint run by TorchSharp itself, through the one frozen path (fp32 whatever precision it trained in).
    private static float[][] TorchSharpEmbeddings(string checkpoint, string images)
    {
        var (encoder, header) = Checkpoint.LoadModel(checkpoint);
        using var _ = encoder;
        var records = new IdxSource(images).Read().ToList();
        var pixels = records.SelectMany(r => PixelScale.ToUnit(r.PixelsChw)).ToArray();
        using var scope = NewDisposeScope();
        var features = new FrozenModel(encoder, header.Augmentation.Normalization)
            .Features(tensor(pixels, [records.Count, 1, 16, 16]));
        var flat = features.data<float>().ToArray();
        int size = (int)features.shape[1];
        return Enumerable.Range(0, records.Count).Select(i => flat[(i * size)..((i + 1) * size)]).ToArray();
    }

    [Fact]
    public void Parquet_output_has_one_row_per_image_with_ids_labels_and_the_library_embeddings()
    {
        string directory = TinyData.NewDirectory("embed-parquet");
        string output = Path.Combine(directory, "out.parquet");

        CliProcess.Succeed(directory, "embed", "--model", model.ModelPath, "--input", model.TestImages,
            "--output", output, "--chunk-size", "10");

        var rows = ReadParquet(output);
        Assert.Equal(32, rows.Count);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (long)i), rows.Select(r => r.Index));
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (int?)(i % TinyData.Classes)), rows.Select(r => r.Label));
        Assert.All(rows, r => Assert.Equal(TinyData.EmbeddingSize, r.Embedding.Length));
        Assert.All(rows, r => Assert.Null(r.Path));
        var embeddings = rows.Select(r => r.Embedding).ToList();
        var inProcess = InProcessEmbeddings(model.ModelPath, model.TestImages);
        Assert.True(EmbeddingComparison.MaxDifference(inProcess, embeddings) <= 1e-4);
        var torchSharp = TorchSharpEmbeddings(model.CheckpointPath, model.TestImages);
        Assert.True(EmbeddingComparison.MaxDifference(torchSharp, embeddings) <= 1e-4);
        Assert.False(Directory.Exists(output + ".parts"));
    }

    [Fact]
    public void Csv_output_has_a_header_and_the_same_embeddings_as_parquet()
    {
        string directory = TinyData.NewDirectory("embed-csv");
        CliProcess.Succeed(directory, "embed", "--model", model.ModelPath, "--input", model.TestImages,
            "--output", "out.csv");

        var lines = File.ReadAllLines(Path.Combine(directory, "out.csv"));
        Assert.Equal(33, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(["index", "path", "label", "e0"], header[..4]);
        Assert.Equal(3 + TinyData.EmbeddingSize, header.Length);
        var embeddings = lines.Skip(1)
            .Select(l => l.Split(',')[3..].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();
        Assert.Equal(Enumerable.Range(0, 32).Select(i => i.ToString()), lines.Skip(1).Select(l => l.Split(',')[0]));
        var inProcess = InProcessEmbeddings(model.ModelPath, model.TestImages);
        Assert.True(EmbeddingComparison.MaxDifference(inProcess, embeddings) <= 1e-4);
    }

    [Fact]
    public async Task Three_shards_are_disjoint_cover_the_input_and_merge_to_the_parquet_of_one_process()
    {
        string directory = TinyData.NewDirectory("embed-shards");
        var seen = new List<long>();
        var shards = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            string output = Path.Combine(directory, $"shard{i}.parquet");
            CliProcess.Succeed(directory, "embed", "--model", model.ModelPath, "--input", model.TestImages,
                "--output", output, "--shard", $"{i}/3", "--chunk-size", "4");
            var rows = ReadParquet(output);
            Assert.All(rows, r => Assert.Equal(i, r.Index % 3));
            seen.AddRange(rows.Select(r => r.Index));
            shards.Add(output);
        }
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (long)i), seen.Order());
        CliProcess.Succeed(directory, "embed", "--model", model.ModelPath, "--input", model.TestImages,
            "--output", "single.parquet", "--chunk-size", "4");

        var merged = CliProcess.Succeed(directory, ["embed", "merge", "-o", "merged.parquet", .. shards]);

        Assert.Contains($"Merged 3 shard(s): 32 embeddings of size {TinyData.EmbeddingSize}", merged.Stdout);
        var single = ReadParquet(Path.Combine(directory, "single.parquet"));
        var together = ReadParquet(Path.Combine(directory, "merged.parquet"));
        Assert.Equal(single.Select(r => (r.Index, r.Label)), together.Select(r => (r.Index, r.Label)));
        Assert.Equal(single.Select(r => r.Embedding), together.Select(r => r.Embedding));
        await using var reader = await Parquet.ParquetReader.CreateAsync(Path.Combine(directory, "merged.parquet"));
        Assert.Equal($"{TinyData.EmbeddingSize}", reader.CustomMetadata["aavae.embedding_size"]);
    }

    [Fact]
    public void A_killed_embed_resumes_from_its_part_files_without_duplicates_or_gaps()
    {
        string directory = TinyData.NewDirectory("embed-kill");
        string images = TinyData.WriteIdx(directory, 3000, seed: 5, prefix: "big");
        string output = Path.Combine(directory, "out.parquet");
        string firstPart = Path.Combine(output + ".parts", "part-00000.parquet");
        string[] args =
            ["embed", "--model", model.ModelPath, "--input", images, "--output", output, "--chunk-size", "50"];

        var killed = KilledChild.RunUntil(directory, args,
            line => line.StartsWith("part 1/", StringComparison.Ordinal));
        Assert.Equal(137, killed.ExitCode);
        Assert.True(File.Exists(firstPart), "the first part file never appeared");
        Assert.False(File.Exists(output), "the killed run must not have finished");

        var rerun = CliProcess.Succeed(directory, args);

        Assert.DoesNotContain("; 0 already done", rerun.Stdout);
        var rows = ReadParquet(output);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (long)i), rows.Select(r => r.Index).Order());
        Assert.Equal(3000, rows.Select(r => r.Index).Distinct().Count());
        Assert.False(Directory.Exists(output + ".parts"));
    }

    [Fact]
    public void An_image_folder_is_embedded_with_relative_paths_and_class_labels()
    {
        string directory = TinyData.NewDirectory("embed-folder");
        string folder = TinyData.WritePngFolder(directory, perClass: 3);
        string output = Path.Combine(directory, "folder.parquet");

        CliProcess.Succeed(directory, "embed", "--model", model.ModelPath, "--input", folder, "--output", output);

        var rows = ReadParquet(output);
        Assert.Equal(12, rows.Count);
        Assert.Equal(Path.Combine("class0", "img000.png"), rows[0].Path);
        Assert.Equal(Path.Combine("class3", "img002.png"), rows[^1].Path);
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], rows.Select(r => r.Label!.Value));
    }
}
