using AavaeMlNet.BatchEmbedding;

namespace AavaeMlNet.BatchEmbedding.Tests;

public class EmbeddingShardMergeTests
{
    // A finished shard output as `aavae embed` leaves it: rows index % n == i, and its manifest.
    private static async Task<string> Shard(TestDirectory folder, EmbeddingFileFormat format, int i, int n,
        int total, string model = "abc")
    {
        string path = folder.File($"shard-{i}{format.Extension}");
        var rows = Enumerable.Range(0, total).Where(r => r % n == i)
            .Select(r => new EmbeddingRow { Index = r, Path = $"a,{r}.png", Label = r % 3, Embedding = [r, -r / 3f] })
            .ToList();
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite))
            await format.AppendAsync(stream, rows, 2, default);
        new EmbeddingManifest(model, "images", $"{i}/{n}", 2, rows.Count, 0, 4, format.Extension).Write(path);
        return path;
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".parquet")]
    public async Task Merged_shards_come_back_in_input_order(string extension)
    {
        using var folder = new TestDirectory();
        var format = EmbeddingFileFormat.Resolve(null, extension);
        var shards = new List<string>();
        for (int i = 2; i >= 0; i--) shards.Add(await Shard(folder, format, i, 3, total: 10));

        var result = await EmbeddingShardMerge.MergeAsync(shards, folder.File("all" + extension), format, default);

        var rows = await format.ReadAsync(result.Output, default).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), rows.Select(r => r.Index));
        Assert.Equal([7f, -7 / 3f], rows[7].Embedding);
        Assert.Equal(("a,7.png", 1), (rows[7].Path, rows[7].Label));
        var manifest = EmbeddingManifest.Read(result.Output)!;
        Assert.Equal(("0/1", 10), (manifest.Shard, manifest.Rows));
    }

    [Fact]
    public async Task Incomplete_or_mixed_shards_are_refused_listing_every_problem()
    {
        using var folder = new TestDirectory();
        var csv = EmbeddingFileFormat.Csv;
        string zero = await Shard(folder, csv, 0, 4, 10), two = await Shard(folder, csv, 2, 4, 10, model: "other");
        string unfinished = folder.File("shard-3.csv");
        File.WriteAllText(unfinished, "index,path,label,e0,e1\n");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EmbeddingShardMerge.MergeAsync([zero, two, unfinished, zero], folder.File("all.csv"), csv, default));
        Assert.Equal($"Cannot merge the shards: '{unfinished}' has no shard-3.csv.manifest.json, so its job did not " +
                     $"finish (rerun it); they differ in model (SHA-256): abc ({zero}, {zero}); other ({two}); " +
                     $"shard(s) 1/4, 3/4 missing; shard 0/4 given 2 times ({zero}, {zero}).", error.Message);
        Assert.False(File.Exists(folder.File("all.csv")));
    }
}
