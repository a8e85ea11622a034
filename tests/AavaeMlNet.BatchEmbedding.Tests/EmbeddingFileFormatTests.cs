using AavaeMlNet.BatchEmbedding;
using Parquet;
using Parquet.Serialization;

namespace AavaeMlNet.BatchEmbedding.Tests;

public class EmbeddingFileFormatTests
{
    private static List<EmbeddingRow> Rows(int first, int count, int size) =>
    [
        .. Enumerable.Range(first, count).Select(r => new EmbeddingRow
        {
            Index = r, Path = r % 4 == 0 ? null : $"dir/{r}.png", Label = r % 3 == 0 ? null : r % 5,
            Embedding = [.. Enumerable.Range(0, size).Select(j => r * 0.5f - j / 7f)],
        }),
    ];

    private static async Task Write(string path, Func<Stream, Task> write)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        await write(stream);
    }

    private static void AssertSameRows(IReadOnlyList<EmbeddingRow> expected, IReadOnlyList<EmbeddingRow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Index, expected[i].Path, expected[i].Label),
                (actual[i].Index, actual[i].Path, actual[i].Label));
            Assert.Equal(expected[i].Embedding, actual[i].Embedding);
        }
    }

    [Fact]
    public async Task Parquet_parts_merge_into_one_file_that_reads_back_every_row_nulls_included()
    {
        using var folder = new TestDirectory();
        var parquet = EmbeddingFileFormat.Parquet;
        var first = Rows(0, 5, 3);
        var second = Rows(5, 4, 3);
        string a = folder.File("a.parquet"), b = folder.File("b.parquet"), empty = folder.File("e.parquet");
        await Write(a, s => parquet.WritePartAsync(s, first, 3, default));
        await Write(empty, s => parquet.WritePartAsync(s, [], 3, default));
        await Write(b, s => parquet.WritePartAsync(s, second, 3, default));
        string merged = folder.File("all.parquet");
        await Write(merged, s => parquet.MergeAsync([a, empty, b], s, 3, default));

        AssertSameRows([.. first, .. second], await parquet.ReadAsync(merged, default).ToListAsync());
        Assert.Empty(await parquet.ReadAsync(empty, default).ToListAsync());
        // Any Parquet reader sees the size in the file's metadata.
        await using var reader = await ParquetReader.CreateAsync(merged);
        Assert.Equal("3", reader.CustomMetadata["aavae.embedding_size"]);
    }

    [Fact]
    public async Task Parquet_parts_written_by_the_serializer_of_earlier_versions_still_read_and_merge()
    {
        using var folder = new TestDirectory();
        var rows = Rows(0, 6, 4);
        string earlier = folder.File("earlier.parquet");
        await Write(earlier, s => ParquetSerializer.SerializeAsync(rows, s, new ParquetOptions(),
            new Dictionary<string, string> { ["aavae.embedding_size"] = "4" }));
        string merged = folder.File("all.parquet");
        await Write(merged, s => EmbeddingFileFormat.Parquet.MergeAsync([earlier], s, 4, default));

        AssertSameRows(rows, await EmbeddingFileFormat.Parquet.ReadAsync(earlier, default).ToListAsync());
        AssertSameRows(rows, await EmbeddingFileFormat.Parquet.ReadAsync(merged, default).ToListAsync());
        // And the serializer reads what this version writes.
        var back = await ParquetSerializer.DeserializeAsync<EmbeddingRow>(merged);
        AssertSameRows(rows, [.. back.Data]);
    }

    [Fact]
    public async Task A_parquet_file_of_other_columns_or_ragged_embeddings_is_refused_naming_the_file()
    {
        using var folder = new TestDirectory();
        string other = folder.File("other.parquet");
        await Write(other, s => ParquetSerializer.SerializeAsync(new[] { new Other { Name = "x" } }, s));
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await EmbeddingFileFormat.Parquet.ReadAsync(other, default).ToListAsync());
        Assert.Equal($"'{other}' is not an embedding file: its columns are name, expected index, path, label, " +
                     "embedding/list/element.", error.Message);

        string ragged = folder.File("ragged.parquet");
        var rows = Rows(0, 2, 3);
        rows[1].Embedding = [1f, 2f];
        await Write(ragged, s => ParquetSerializer.SerializeAsync(rows, s));
        error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await EmbeddingFileFormat.Parquet.ReadAsync(ragged, default).ToListAsync());
        Assert.Equal($"'{ragged}' holds 5 embedding values for 2 rows: not one length per row.", error.Message);

        var writeError = await Assert.ThrowsAsync<ArgumentException>(() =>
            Write(folder.File("w.parquet"), s => EmbeddingFileFormat.Parquet.WritePartAsync(s, rows, 3, default)));
        Assert.StartsWith("Row 1 has an embedding of 2 values; 3 expected.", writeError.Message);
    }

    private sealed class Other
    {
        [System.Text.Json.Serialization.JsonPropertyName("name")] public string Name { get; set; } = "";
    }
}
