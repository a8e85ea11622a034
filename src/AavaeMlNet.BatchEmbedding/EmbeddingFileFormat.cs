using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using AavaeMlNet.Io;
using Parquet;
using Parquet.Schema;
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

    /// <summary>
    /// Parquet through Parquet.Net's column API: a part's rows are written and read as four columns, never as row
    /// objects. The files are those <c>ParquetSerializer</c> writes for <see cref="EmbeddingRow"/> (the schema is taken
    /// from it), so parts of an earlier run still merge; reading a 1,024-row part of 1,024-value embeddings took
    /// 13-23 ms this way against 150-340 ms through the serializer, which made the merge half of an embed job's time.
    /// </summary>
    private sealed class ParquetFormat : EmbeddingFileFormat
    {
        private static readonly ParquetSchema Schema = typeof(EmbeddingRow).GetParquetSchema(forWriting: true);
        private static readonly DataField[] Fields = Schema.GetDataFields();

        public override string Extension => ".parquet";

        public override async Task WritePartAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
            CancellationToken cancellationToken)
        {
            await using var writer = await ParquetWriter.CreateAsync(Schema, stream, null, false, cancellationToken);
            writer.CustomMetadata = Metadata(size);
            if (rows.Count > 0) await WriteRowGroupAsync(writer, Columns.Of(rows, size), cancellationToken);
        }

        public override async Task MergeAsync(IReadOnlyList<string> parts, Stream stream, int size,
            CancellationToken cancellationToken)
        {
            // Row group by row group: memory stays at one part's columns whatever the number of parts.
            await using var writer = await ParquetWriter.CreateAsync(Schema, stream, null, false, cancellationToken);
            writer.CustomMetadata = Metadata(size);
            foreach (string part in parts)
                await foreach (var columns in ReadRowGroupsAsync(part, cancellationToken))
                    if (columns.Rows > 0) await WriteRowGroupAsync(writer, columns, cancellationToken);
        }

        public override async Task AppendAsync(Stream stream, IReadOnlyList<EmbeddingRow> rows, int size,
            CancellationToken cancellationToken)
        {
            if (rows.Count == 0 && stream.Length > 0) return;
            bool append = stream.Length > 0;
            await using var writer = await ParquetWriter.CreateAsync(Schema, stream, null, append, cancellationToken);
            if (!append) writer.CustomMetadata = Metadata(size);
            if (rows.Count > 0) await WriteRowGroupAsync(writer, Columns.Of(rows, size), cancellationToken);
        }

        public override async IAsyncEnumerable<EmbeddingRow> ReadAsync(string path,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var columns in ReadRowGroupsAsync(path, cancellationToken))
                for (int i = 0; i < columns.Rows; i++)
                    yield return new EmbeddingRow
                    {
                        Index = columns.Index[i], Path = columns.Path[i], Label = columns.Label[i],
                        Embedding = columns.Embedding.AsSpan(i * columns.Size, columns.Size).ToArray(),
                    };
        }

        private static async Task WriteRowGroupAsync(ParquetWriter writer, Columns columns,
            CancellationToken cancellationToken)
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(Fields[0], columns.Index, null, null, cancellationToken);
            await group.WriteAsync(Fields[1], columns.Path, null);
            await group.WriteAsync<int>(Fields[2], new ReadOnlyMemory<int?>(columns.Label), null, null,
                cancellationToken);
            // A list of non-null floats in a non-null list: every value defined (level 2); a row starts at level 0.
            int count = columns.Embedding.Length;
            var defined = new int[count];
            Array.Fill(defined, Fields[3].MaxDefinitionLevel);
            var repetition = new int[count];
            for (int i = 0; i < count; i++) repetition[i] = i % columns.Size == 0 ? 0 : 1;
            await group.WriteAllPartsAsync<float>(Fields[3], columns.Embedding, defined, repetition,
                cancellationToken);
        }

        private static async IAsyncEnumerable<Columns> ReadRowGroupsAsync(string path,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await using var reader = await ParquetReader.CreateAsync(path, null, cancellationToken);
            var fields = reader.Schema.GetDataFields();
            string Names(IEnumerable<DataField> columns) => string.Join(", ", columns.Select(f => f.Path));
            if (Names(fields) != Names(Fields))
                throw new InvalidDataException(
                    $"'{path}' is not an embedding file: its columns are {Names(fields)}, expected {Names(Fields)}.");
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int rows = checked((int)group.RowCount);
                long values = group.GetMetadata(fields[3])?.MetaData?.NumValues ?? 0;
                if (rows == 0) continue;
                if (values % rows != 0)
                    throw new InvalidDataException(
                        $"'{path}' holds {values} embedding values for {rows} rows: not one length per row.");
                var columns = new Columns(rows, (int)(values / rows));
                await group.ReadAsync<long>(fields[0], columns.Index, null, cancellationToken);
                await group.ReadAsync(fields[1], columns.Path, null, cancellationToken);
                await group.ReadAsync<int>(fields[2], columns.Label.AsMemory(), null, cancellationToken);
                var defined = new int[columns.Embedding.Length];
                var repetition = new int[columns.Embedding.Length];
                await group.ReadRawAsync<float>(fields[3], columns.Embedding, defined, repetition, cancellationToken);
                for (int i = 0; i < repetition.Length; i++)
                    if (repetition[i] != (i % columns.Size == 0 ? 0 : 1) || defined[i] != fields[3].MaxDefinitionLevel)
                        throw new InvalidDataException(
                            $"'{path}' holds embeddings of different lengths (row group {g}); one length is expected.");
                yield return columns;
            }
        }

        /// <summary>One row group as its four columns; the embeddings back to back, <see cref="Size"/> each.</summary>
        private sealed class Columns(int rows, int size)
        {
            public int Rows { get; } = rows;
            public int Size { get; } = size;
            public long[] Index { get; } = new long[rows];
            public string?[] Path { get; } = new string?[rows];
            public int?[] Label { get; } = new int?[rows];
            public float[] Embedding { get; } = new float[(long)rows * size];

            public static Columns Of(IReadOnlyList<EmbeddingRow> rows, int size)
            {
                var columns = new Columns(rows.Count, size);
                for (int i = 0; i < rows.Count; i++)
                {
                    var row = rows[i];
                    if (row.Embedding.Length != size)
                        throw new ArgumentException(
                            $"Row {row.Index} has an embedding of {row.Embedding.Length} values; {size} expected.",
                            nameof(rows));
                    columns.Index[i] = row.Index;
                    columns.Path[i] = row.Path;
                    columns.Label[i] = row.Label;
                    row.Embedding.CopyTo(columns.Embedding, (long)i * size);
                }
                return columns;
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
