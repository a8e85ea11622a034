using System.Text.Json;
using AavaeMlNet.Io;
using Microsoft.ML;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>What `aavae embed` wrote.</summary>
public sealed record EmbedJobResult(string Output, int Rows, int EmbeddingSize, int PartsWritten, int PartsReused);

/// <summary>
/// `aavae embed`: streams the input through the model in chunks and writes the embeddings.
/// <para>Kill-and-resume: each chunk of <see cref="EmbedJobOptions.ChunkSize"/> rows becomes a numbered part file in
/// "&lt;output&gt;.parts/", written under a temporary name and renamed, so a part either exists whole or not at all;
/// progress.json there records the job (model, input, shard, chunk size, format) and the parts done. Rerunning the same
/// command skips the parts that exist, writes the rest, then merges all parts in order into the output (temporary file
/// + rename) and deletes the parts folder: after any kill, the final file has every row exactly once. A rerun with
/// different settings is refused instead of mixing parts of two jobs.</para>
/// </summary>
public static class EmbedJob
{
    private const string JournalName = "progress.json";

    public static async Task<EmbedJobResult> RunAsync(EmbedJobOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ChunkSize);
        var format = EmbeddingFileFormat.Resolve(options.Format, options.Output);
        var ml = new MLContext(0);
        var embedder = ModelEmbedder.Load(ml, options.ModelPath, options.Column, options.ImageColumn);
        var source = ImageInputs.Open(options.Input, embedder.Shape, options.Labels, options.DataDirectory);
        var paths = ImageInputs.FolderPaths(options.Input, source);

        int rows = options.Shard.RowsOf(source.Count);
        int partCount = (rows + options.ChunkSize - 1) / options.ChunkSize;
        string output = Path.GetFullPath(options.Output);
        string partsDirectory = output + ".parts";
        var journal = new Journal(Path.GetFullPath(options.ModelPath), new FileInfo(options.ModelPath).Length, options.Input,
            options.Shard.ToString(), options.ChunkSize, format.Extension, rows, []);
        journal = OpenJournal(partsDirectory, journal);
        string PartPath(int part) => Path.Combine(partsDirectory, $"part-{part:D5}{format.Extension}");

        int firstMissing = Enumerable.Range(0, partCount).FirstOrDefault(p => !File.Exists(PartPath(p)), partCount);
        int reused = Enumerable.Range(0, partCount).Count(p => File.Exists(PartPath(p)));
        log.WriteLine($"Embedding {rows:N0} images (shard {options.Shard} of {source.Count:N0}) into {partCount} part(s) of up to {options.ChunkSize:N0} rows; {reused} already done.");

        int written = 0;
        if (firstMissing < partCount)
        {
            var remaining = Enumerable.Range(firstMissing * options.ChunkSize, rows - firstMissing * options.ChunkSize).Select(options.Shard.InputIndex);
            var records = (firstMissing == 0 && options.Shard.Count == 1 ? source : source.Subset(remaining)).Read();
            int part = firstMissing;
            var buffer = new List<EmbeddingRow>(options.ChunkSize);
            foreach (var embedded in embedder.Embed(records, options.ChunkSize, cancellationToken))
            {
                buffer.Add(new EmbeddingRow
                {
                    Index = embedded.Index, Path = paths?[embedded.Index], Label = embedded.Label, Embedding = embedded.Embedding,
                });
                if (buffer.Count < options.ChunkSize) continue;
                written += await CompletePartAsync(part++, buffer);
            }
            if (buffer.Count > 0) written += await CompletePartAsync(part++, buffer);
            if (part != partCount)
                throw new InvalidDataException($"Input '{options.Input}' yielded fewer images than it announced ({source.Count:N0}).");
        }

        var partFiles = Enumerable.Range(0, partCount).Select(PartPath).ToList();
        await AtomicFile.WriteAsync(output, (stream, token) => format.MergeAsync(partFiles, stream, embedder.Size, token),
            cancellationToken);
        Directory.Delete(partsDirectory, recursive: true);
        return new EmbedJobResult(output, rows, embedder.Size, written, reused);

        async Task<int> CompletePartAsync(int part, List<EmbeddingRow> buffer)
        {
            if (!File.Exists(PartPath(part)))
            {
                await AtomicFile.WriteAsync(PartPath(part),
                    (stream, token) => format.WritePartAsync(stream, buffer, embedder.Size, token), cancellationToken);
                journal = journal with { CompletedParts = [.. journal.CompletedParts, part] };
                AtomicFile.WriteAllText(Path.Combine(partsDirectory, JournalName), JsonSerializer.Serialize(journal, JournalJson));
                log.WriteLine($"part {part + 1}/{partCount} written ({buffer.Count:N0} rows).");
            }
            buffer.Clear();
            return 1;
        }
    }

    private static readonly JsonSerializerOptions JournalJson = new() { WriteIndented = true };

    /// <summary>Creates the parts folder and its journal, or checks that an existing one belongs to the same job.</summary>
    private static Journal OpenJournal(string directory, Journal job)
    {
        string path = Path.Combine(directory, JournalName);
        if (File.Exists(path))
        {
            var existing = JsonSerializer.Deserialize<Journal>(File.ReadAllText(path), JournalJson)
                ?? throw new InvalidDataException($"Progress journal '{path}' is empty.");
            if (existing with { CompletedParts = [] } != job)
                throw new InvalidOperationException(
                    $"'{directory}' holds the parts of a different embed job ({existing.Input}, shard {existing.Shard}, chunk {existing.ChunkSize}, model {existing.Model}); " +
                    "rerun that command, or delete the folder to start over.");
            return existing;
        }
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new InvalidOperationException($"'{directory}' exists without a progress journal; delete it to start over.");
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(job, JournalJson));
        return job;
    }

    /// <summary>The progress journal: the job's identity and the parts done (the part files themselves are the truth).</summary>
    private sealed record Journal(string Model, long ModelBytes, string Input, string Shard, int ChunkSize, string Format, int Rows, int[] CompletedParts)
    {
        public bool Equals(Journal? other) => other is not null && Model == other.Model && ModelBytes == other.ModelBytes && Input == other.Input &&
            Shard == other.Shard && ChunkSize == other.ChunkSize && Format == other.Format && Rows == other.Rows;

        public override int GetHashCode() => HashCode.Combine(Model, Input, Shard, ChunkSize, Format, Rows);
    }
}
