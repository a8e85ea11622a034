using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using AavaeMlNet.Io;
using Parquet;
using Parquet.Serialization;

namespace AavaeMlNet.BatchEmbedding;

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
    public static EmbeddingFileFormat Resolve(string? format, string output) =>
        (format ?? Path.GetExtension(output).TrimStart('.')).ToLowerInvariant() switch
    {
        "parquet" => Parquet,
        "csv" => Csv,
        _ => throw new ArgumentException(
            $"Cannot tell the format of '{output}': name it .parquet or .csv, or give format parquet or csv.",
            nameof(format)),
    };

    public abstract string Extension { get; }

    /// <summary>
    /// Writes one part file into <paramref name="stream"/> (readable and seekable, e.g. an atomic write's).
    /// </summary>
    public abstract Task WritePartAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
        CancellationToken cancellationToken);

    /// <summary>Concatenates part files, in order, into <paramref name="stream"/> (readable and seekable).</summary>
    public abstract Task MergeAsync(IReadOnlyList<string> parts, Stream stream, int size,
        CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="rows"/> to an output being written (Parquet: one row group; CSV: the header first);
    /// empty rows on an empty stream write an empty file of the format.
    /// </summary>
    public abstract Task AppendAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
        CancellationToken cancellationToken);

    /// <summary>Streams the rows of a file written by <see cref="MergeAsync"/> or <see cref="AppendAsync"/>.</summary>
    public abstract IAsyncEnumerable<EmbeddingRow> ReadAsync(string path, CancellationToken cancellationToken);

    private static Dictionary<string, string> Metadata(int size) =>
        new() { ["aavae.embedding_size"] = size.ToString(CultureInfo.InvariantCulture) };

    private sealed class ParquetFormat : EmbeddingFileFormat
    {
        public override string Extension => ".parquet";

        public override async Task WritePartAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
            CancellationToken cancellationToken)
        {
            await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions(), Metadata(size),
                cancellationToken);
        }

        public override async Task MergeAsync(IReadOnlyList<string> parts, Stream stream, int size,
            CancellationToken cancellationToken)
        {
            // One row group per part: memory stays at one part's rows whatever the number of parts.
            for (int i = 0; i < parts.Count; i++)
            {
                var rows =
                    (await ParquetSerializer.DeserializeAsync<EmbeddingRow>(parts[i], new ParquetOptions(), null,
                    cancellationToken)).Data;
                if (rows.Count == 0) continue;
                await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { Append = stream.Length > 0 },
                    Metadata(size), cancellationToken);
            }
            if (stream.Length == 0)
                await ParquetSerializer.SerializeAsync(Array.Empty<EmbeddingRow>(), stream, new ParquetOptions(),
                    Metadata(size), cancellationToken);
        }

        public override async Task AppendAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
            CancellationToken cancellationToken)
        {
            if (rows.Count == 0 && stream.Length > 0) return;
            var options = new ParquetOptions { Append = stream.Length > 0 };
            await ParquetSerializer.SerializeAsync(rows, stream, options, Metadata(size), cancellationToken);
        }

        public override async IAsyncEnumerable<EmbeddingRow> ReadAsync(string path,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            int groups;
            await using (var reader = await ParquetReader.CreateAsync(path, null, cancellationToken))
                groups = reader.RowGroupCount;
            for (int group = 0; group < groups; group++)
            {
                var rows = await ParquetSerializer.DeserializeAsync<EmbeddingRow>(path, new ParquetOptions(), group,
                    cancellationToken);
                foreach (var row in rows.Data) yield return row;
            }
        }
    }

    private sealed class CsvFormat : EmbeddingFileFormat
    {
        public override string Extension => ".csv";

        public override async Task WritePartAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
            CancellationToken cancellationToken)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true)
            {
                NewLine = "\n",
            };
            var line = new StringBuilder();
            foreach (var row in rows)
            {
                line.Clear();
                line.Append(row.Index.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(CsvField.Quote(row.Path)).Append(',')
                    .Append(row.Label?.ToString(CultureInfo.InvariantCulture));
                foreach (float v in row.Embedding)
                    line.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
                await writer.WriteLineAsync(line, cancellationToken);
            }
        }

        public override async Task MergeAsync(IReadOnlyList<string> parts, Stream output, int size,
            CancellationToken cancellationToken)
        {
            await output.WriteAsync(Header(size), cancellationToken);
            foreach (var part in parts)
            {
                await using var input = File.OpenRead(part);
                await input.CopyToAsync(output, cancellationToken);
            }
        }

        public override async Task AppendAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
            CancellationToken cancellationToken)
        {
            if (stream.Length == 0) await stream.WriteAsync(Header(size), cancellationToken);
            await WritePartAsync(stream, rows, size, cancellationToken);
        }

        public override async IAsyncEnumerable<EmbeddingRow> ReadAsync(string path,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            await reader.ReadLineAsync(cancellationToken); // the header
            while (await reader.ReadLineAsync(cancellationToken) is { } line) yield return Parse(line, path);
        }

        private static byte[] Header(int size) =>
            Encoding.UTF8.GetBytes("index,path,label," +
                string.Join(',', Enumerable.Range(0, size).Select(i => $"e{i}")) + "\n");

        // index,path,label,e0,...: only the path can be quoted (CsvField.Quote).
        private static EmbeddingRow Parse(string line, string file)
        {
            int comma = line.IndexOf(',');
            string? path = null;
            int end;
            if (line.Length > comma + 1 && line[comma + 1] == '"')
            {
                var text = new StringBuilder();
                int i = comma + 2;
                for (; i < line.Length; i++)
                {
                    if (line[i] != '"') text.Append(line[i]);
                    else if (i + 1 < line.Length && line[i + 1] == '"') text.Append(line[++i]);
                    else break;
                }
                path = text.ToString();
                end = i + 1;
            }
            else
            {
                end = line.IndexOf(',', comma + 1);
                if (end > comma + 1) path = line[(comma + 1)..end];
            }
            var rest = line[(end + 1)..].Split(',');
            var invariant = CultureInfo.InvariantCulture;
            if (comma < 0 || rest.Length < 1 || !long.TryParse(line[..comma], invariant, out long index))
                throw new InvalidDataException($"'{file}' holds a line that is not index,path,label,e0,...: '{line}'.");
            return new EmbeddingRow
            {
                Index = index,
                Path = path,
                Label = rest[0].Length == 0 ? null : int.Parse(rest[0], invariant),
                Embedding = rest[1..].Select(v => float.Parse(v, invariant)).ToArray(),
            };
        }
    }
}
