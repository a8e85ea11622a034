using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using AavaeMlNet.Io;
using Parquet;
using Parquet.Serialization;

namespace AavaeMlNet.Evaluation.Embeddings;

/// <summary>One row of an embedding file.</summary>
public sealed class EmbeddingRow
{
    /// <summary>Position of the image in the input (file order).</summary>
    [JsonPropertyName("index")] public long Index { get; set; }
    /// <summary>Path relative to the image folder; null for other inputs.</summary>
    [JsonPropertyName("path")] public string? Path { get; set; }
    /// <summary>Class index; null when the input has no labels.</summary>
    [JsonPropertyName("label")] public int? Label { get; set; }
    /// <summary>The embedding; every row has the same length (the file's "aavae.embedding_size" metadata).</summary>
    [JsonPropertyName("embedding")] public float[] Embedding { get; set; } = [];
}

/// <summary>
/// The two output formats of `aavae embed`. Parquet: columns index (int64), path (string, nullable), label (int32,
/// nullable), embedding (list&lt;float&gt;, all of one length, stored in the key-value metadata
/// "aavae.embedding_size"). CSV: header index,path,label,e0..e{d-1}; values in invariant culture, round-trippable.
/// </summary>
public abstract class EmbeddingFileFormat
{
    public static EmbeddingFileFormat Parquet { get; } = new ParquetFormat();
    public static EmbeddingFileFormat Csv { get; } = new CsvFormat();

    /// <summary>"parquet" or "csv", or null to take it from the extension of <paramref name="output"/>.</summary>
    public static EmbeddingFileFormat Resolve(string? name, string output) => (name ?? Path.GetExtension(output).TrimStart('.')).ToLowerInvariant() switch
    {
        "parquet" => Parquet,
        "csv" => Csv,
        _ => throw new ArgumentException($"Cannot tell the format of '{output}': name it .parquet or .csv, or give --format parquet|csv."),
    };

    public abstract string Extension { get; }

    /// <summary>Writes one part file into <paramref name="stream"/> (readable and seekable, e.g. an atomic write's).</summary>
    public abstract Task WritePartAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
        CancellationToken cancellationToken);

    /// <summary>Concatenates part files, in order, into <paramref name="stream"/> (readable and seekable).</summary>
    public abstract Task MergeAsync(IReadOnlyList<string> parts, Stream stream, int size,
        CancellationToken cancellationToken);

    private static Dictionary<string, string> Metadata(int size) => new() { ["aavae.embedding_size"] = size.ToString(CultureInfo.InvariantCulture) };

    private sealed class ParquetFormat : EmbeddingFileFormat
    {
        public override string Extension => ".parquet";

        public override async Task WritePartAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
            CancellationToken cancellationToken)
        {
            await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions(), Metadata(size), cancellationToken);
        }

        public override async Task MergeAsync(IReadOnlyList<string> parts, Stream stream, int size,
            CancellationToken cancellationToken)
        {
            // One row group per part: memory stays at one part's rows whatever the number of parts.
            for (int i = 0; i < parts.Count; i++)
            {
                var rows = (await ParquetSerializer.DeserializeAsync<EmbeddingRow>(parts[i], new ParquetOptions(), null, cancellationToken)).Data;
                if (rows.Count == 0) continue;
                await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { Append = stream.Length > 0 }, Metadata(size), cancellationToken);
            }
            if (stream.Length == 0)
                await ParquetSerializer.SerializeAsync(Array.Empty<EmbeddingRow>(), stream, new ParquetOptions(), Metadata(size), cancellationToken);
        }
    }

    private sealed class CsvFormat : EmbeddingFileFormat
    {
        public override string Extension => ".csv";

        public override async Task WritePartAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
            CancellationToken cancellationToken)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            var line = new StringBuilder();
            foreach (var row in rows)
            {
                line.Clear();
                line.Append(row.Index.ToString(CultureInfo.InvariantCulture)).Append(',').Append(CsvField.Quote(row.Path)).Append(',')
                    .Append(row.Label?.ToString(CultureInfo.InvariantCulture));
                foreach (float v in row.Embedding) line.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
                await writer.WriteLineAsync(line, cancellationToken);
            }
        }

        public override async Task MergeAsync(IReadOnlyList<string> parts, Stream output, int size,
            CancellationToken cancellationToken)
        {
            string header = "index,path,label," + string.Join(',', Enumerable.Range(0, size).Select(i => $"e{i}")) + "\n";
            await output.WriteAsync(Encoding.UTF8.GetBytes(header), cancellationToken);
            foreach (var part in parts)
            {
                await using var input = File.OpenRead(part);
                await input.CopyToAsync(output, cancellationToken);
            }
        }
    }
}
