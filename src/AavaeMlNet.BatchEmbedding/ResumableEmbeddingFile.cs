using System.Text.Json;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Io;

namespace AavaeMlNet.BatchEmbedding;

/// <summary>What <see cref="ResumableEmbeddingFile.WriteAsync"/> wrote.</summary>
/// <param name="Output">The embedding file.</param>
/// <param name="Rows">Embeddings written.</param>
/// <param name="EmbeddingSize">Length of each embedding.</param>
/// <param name="PartsWritten">Part files written by this run.</param>
/// <param name="PartsReused">Part files a killed run had already written.</param>
/// <param name="Rejected">Images skipped because they could not be read (listed in <paramref name="RejectsPath"/>).
/// </param>
/// <param name="RejectsPath">The rejects file (path, reason), or null when the job fails on bad images.</param>
public sealed record EmbeddingFileResult(string Output, int Rows, int EmbeddingSize, int PartsWritten, int PartsReused,
    int Rejected = 0, string? RejectsPath = null);

/// <summary>
/// Streams an image source through a <see cref="ModelEmbedder"/> in chunks and writes the embeddings to one file
/// (what `aavae embed` runs).
/// <para>Kill-and-resume: each chunk of rows becomes a numbered part file in "&lt;output&gt;.parts/", written
/// through <see cref="AtomicFile"/>, so a part either exists whole or not at all; progress.json there records the job
/// (the model's SHA-256, the input, shard, chunk size, format and row count) and the parts done. Rerunning the same
/// job skips the parts that exist, writes the rest, then merges all parts in order into the output (again atomically)
/// and deletes the parts folder: after any kill, the final file has every row exactly once. A rerun of another job
/// (another model, even one saved over the same path; another input, shard, chunk size or format) is refused with a
/// message that names each difference, instead of mixing parts of two jobs; the same model moved to another path is
/// the same job.</para>
/// <para>Bad images: with a <see cref="RejectsFile"/> (the one given to <see cref="ImageInputs.Open"/>), a part
/// covers the same input positions whatever is skipped; its rejects are written beside it before it, and the merge
/// lists them all in "&lt;output&gt;.rejects.csv" (header path,reason; written even when empty).</para>
/// <para>Last, &lt;output&gt;.manifest.json (<see cref="EmbeddingManifest"/>) records the finished job.</para>
/// </summary>
public static class ResumableEmbeddingFile
{
    private const string JournalName = "progress.json";

    private static readonly JsonSerializerOptions JournalJson = new() { WriteIndented = true };

    /// <summary>Embeds the <paramref name="shard"/> of <paramref name="source"/> into <paramref name="output"/>.
    /// </summary>
    /// <param name="embedder">The model to embed with.</param>
    /// <param name="input">The input as the user named it (see <see cref="ImageInputs"/>): part of the job's identity.
    /// </param>
    /// <param name="source">The images of <paramref name="input"/>; an <see cref="ImageFolderSource"/> gives each row
    /// its file's relative path.</param>
    /// <param name="format">The file format of the parts and the output.</param>
    /// <param name="output">The file to write.</param>
    /// <param name="shard">Which rows to embed.</param>
    /// <param name="chunkSize">Rows per part file (and per call into the model): the unit of progress kept across a
    /// kill.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellationToken">Stops between chunks; the parts written so far are kept for a rerun.</param>
    /// <param name="rejects">Where <paramref name="source"/> records the images it skips; null when it fails on them.
    /// </param>
    public static async Task<EmbeddingFileResult> WriteAsync(ModelEmbedder embedder, string input, ImageSource source,
        EmbeddingFileFormat format, string output, Shard shard, int chunkSize, TextWriter log,
        CancellationToken cancellationToken, RejectsFile? rejects = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        var folder = (source as ImageFolderSource)?.Files;
        int rows = shard.RowsOf(source.Count);
        int partCount = (rows + chunkSize - 1) / chunkSize;
        output = Path.GetFullPath(output);
        string partsDirectory = output + ".parts";
        string modelSha256 = embedder.Identity();
        var journal = new Journal(Path.GetFullPath(embedder.ModelPath), modelSha256, input, shard.ToString(),
            chunkSize, format.Extension, rows, []);
        journal = OpenJournal(partsDirectory, journal);
        string PartPath(int part) => Path.Combine(partsDirectory, $"part-{part:D5}{format.Extension}");
        string RejectsPath(int part) => Path.Combine(partsDirectory, $"part-{part:D5}.rejects.csv");
        int PartOf(int index) => (index - shard.Index) / shard.Count / chunkSize;
        int RowsOfPart(int part) => Math.Min(chunkSize, rows - part * chunkSize);

        int firstMissing = Enumerable.Range(0, partCount).FirstOrDefault(p => !File.Exists(PartPath(p)), partCount);
        int reused = Enumerable.Range(0, partCount).Count(p => File.Exists(PartPath(p)));
        log.WriteLine($"Embedding {rows:N0} images (shard {shard} of {source.Count:N0}) into {partCount} part(s) "
            + $"of up to {chunkSize:N0} rows; {reused} already done.");

        int written = 0;
        if (firstMissing < partCount)
        {
            var remaining = Enumerable.Range(firstMissing * chunkSize, rows - firstMissing * chunkSize)
                .Select(shard.InputIndex);
            var records = (firstMissing == 0 && shard.Count == 1 ? source : source.Subset(remaining)).Read();
            int part = firstMissing;
            var buffer = new List<EmbeddingRow>(chunkSize);
            foreach (var embedded in embedder.Embed(records, chunkSize, cancellationToken))
            {
                // Skipped images leave parts short or empty: a part is complete once a later part's row arrives.
                while (PartOf(embedded.Index) > part) written += await CompletePartAsync(part++, buffer);
                buffer.Add(new EmbeddingRow
                {
                    Index = embedded.Index,
                    Path = folder?.RelativePath(embedded.Index),
                    Label = embedded.Label,
                    Embedding = embedded.Embedding,
                });
            }
            while (part < partCount) written += await CompletePartAsync(part++, buffer);
        }

        var partFiles = Enumerable.Range(0, partCount).Select(PartPath).ToList();
        await AtomicFile.WriteAsync(output,
            (stream, token) => format.MergeAsync(partFiles, stream, embedder.Size, token), cancellationToken);
        string? rejectsPath = null;
        int rejected = 0;
        if (rejects is not null)
        {
            var lines = Enumerable.Range(0, partCount).Select(RejectsPath).Where(File.Exists)
                .SelectMany(p => File.ReadAllLines(p).Skip(1)).ToList();
            rejectsPath = output + ".rejects.csv";
            AtomicFile.WriteAllText(rejectsPath, string.Concat(lines.Prepend("path,reason").Select(l => l + "\n")));
            rejected = lines.Count;
        }
        var manifest = new EmbeddingManifest(modelSha256, input, shard.ToString(),
            embedder.Size, rows - rejected, rejected, chunkSize, format.Extension);
        manifest.Write(output);
        Directory.Delete(partsDirectory, recursive: true);
        return new EmbeddingFileResult(output, rows - rejected, embedder.Size, written, reused, rejected, rejectsPath);

        async Task<int> CompletePartAsync(int part, List<EmbeddingRow> buffer)
        {
            if (!File.Exists(PartPath(part)))
            {
                var skipped = rejects?.Images.Where(r => PartOf(r.Index) == part).ToList() ?? [];
                if (buffer.Count + skipped.Count != RowsOfPart(part))
                    throw new InvalidDataException(
                        $"Input '{input}' yielded fewer images than it announced ({source.Count:N0}).");
                if (skipped.Count > 0) AtomicFile.WriteAllText(RejectsPath(part), RejectsFile.Format(skipped));
                else File.Delete(RejectsPath(part));
                await AtomicFile.WriteAsync(PartPath(part),
                    (stream, token) => format.WritePartAsync(stream, buffer, embedder.Size, token), cancellationToken);
                journal = journal with { CompletedParts = [.. journal.CompletedParts, part] };
                string journalText = JsonSerializer.Serialize(journal, JournalJson);
                AtomicFile.WriteAllText(Path.Combine(partsDirectory, JournalName), journalText);
                string skippedNote = skipped.Count > 0 ? $", {skipped.Count:N0} unreadable image(s) skipped" : "";
                log.WriteLine($"part {part + 1}/{partCount} written ({buffer.Count:N0} rows{skippedNote}).");
            }
            buffer.Clear();
            return 1;
        }
    }

    /// <summary>Creates the parts folder and its journal, or checks that an existing one belongs to the same job.
    /// </summary>
    private static Journal OpenJournal(string directory, Journal job)
    {
        string path = Path.Combine(directory, JournalName);
        if (File.Exists(path))
        {
            var existing = JsonSerializer.Deserialize<Journal>(File.ReadAllText(path), JournalJson)
                ?? throw new InvalidDataException($"Progress journal '{path}' is empty.");
            var differences = existing.DifferencesFrom(job);
            if (differences.Count > 0)
                throw new InvalidOperationException(
                    $"'{directory}' holds the parts of another embed job: {string.Join("; ", differences)}. Rerun "
                    + "with that job's settings to finish it, or delete the folder to start over.");
            return existing;
        }
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new InvalidOperationException(
                $"'{directory}' exists without a progress journal; delete it to start over.");
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(job, JournalJson));
        return job;
    }

    /// <summary>
    /// The progress journal: the job's identity and the parts done (the part files themselves are the truth). The
    /// model is known by its contents (ModelSha256); Model, where it was when the job started, is for messages.
    /// </summary>
    private sealed record Journal(
        string Model, string? ModelSha256, string Input, string Shard, int ChunkSize, string Format, int Rows,
        int[] CompletedParts)
    {
        /// <summary>What differs between this journal's job and <paramref name="now"/>, as "X there, Y now".</summary>
        public List<string> DifferencesFrom(Journal now)
        {
            var differences = new List<string>();
            if (ModelSha256 != now.ModelSha256)
                differences.Add($"model '{Model}' (SHA-256 {Short(ModelSha256)}) there, '{now.Model}' (SHA-256 "
                    + $"{Short(now.ModelSha256)}) now");
            if (Input != now.Input) differences.Add($"input '{Input}' there, '{now.Input}' now");
            if (Shard != now.Shard) differences.Add($"shard {Shard} there, {now.Shard} now");
            if (ChunkSize != now.ChunkSize)
                differences.Add($"chunkSize {ChunkSize} there, {now.ChunkSize} now");
            if (Format != now.Format) differences.Add($"format {Format} there, {now.Format} now");
            if (Rows != now.Rows) differences.Add($"{Rows} rows there, {now.Rows} now");
            return differences;
        }

        private static string Short(string? sha256) => sha256 switch
        {
            null => "not recorded",
            _ when sha256.IndexOf("+int8:", StringComparison.Ordinal) is var at and > 0 =>
                $"{sha256[..12]}..., int8 encoder {sha256[(at + 6)..(at + 18)]}...",
            _ => sha256[..12] + "...",
        };
    }
}
