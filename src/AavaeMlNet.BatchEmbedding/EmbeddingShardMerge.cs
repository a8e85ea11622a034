using AavaeMlNet.Io;

namespace AavaeMlNet.BatchEmbedding;

/// <summary>
/// `aavae embed merge`: checks that finished shard outputs are complete (every index 0..n-1 exactly once, one model,
/// one input, one embedding size), then writes their rows in input order as one file, equal to what one process
/// embedding the whole input writes (CSV byte for byte; Parquet row for row, with the same row groups when no image
/// was skipped). Refuses, listing every problem, when the shards are not complete.
/// </summary>
public static class EmbeddingShardMerge
{
    /// <summary>Merges <paramref name="shards"/> into <paramref name="output"/>.</summary>
    public static async Task<EmbeddingFileResult> MergeAsync(IReadOnlyList<string> shards, string output,
        EmbeddingFileFormat format, CancellationToken cancellationToken)
    {
        if (shards.Count == 0) throw new ArgumentException("Give the shard outputs to merge.");
        var found = Check(shards);
        var first = found[0].Manifest;
        output = Path.GetFullPath(output);
        int rows = 0;
        await AtomicFile.WriteAsync(output, async (stream, token) =>
        {
            var buffer = new List<EmbeddingRow>(first.ChunkSize);
            await foreach (var row in InIndexOrder(found, token))
            {
                buffer.Add(row);
                rows++;
                if (buffer.Count < first.ChunkSize) continue;
                await format.AppendAsync(stream, buffer, first.EmbeddingSize, token);
                buffer.Clear();
            }
            if (buffer.Count > 0 || stream.Length == 0)
                await format.AppendAsync(stream, buffer, first.EmbeddingSize, token);
        }, cancellationToken);

        var rejectFiles = found.Select(s => s.Path + ".rejects.csv").Where(File.Exists).ToList();
        string? rejectsPath = null;
        if (rejectFiles.Count > 0)
        {
            rejectsPath = output + ".rejects.csv";
            var lines = rejectFiles.SelectMany(f => File.ReadAllLines(f).Skip(1)).Order(StringComparer.Ordinal);
            AtomicFile.WriteAllText(rejectsPath, string.Concat(lines.Prepend("path,reason").Select(l => l + "\n")));
        }
        int rejected = found.Sum(s => s.Manifest.Rejected);
        var merged = first with
        {
            Shard = Shard.All.ToString(),
            Rows = rows,
            Rejected = rejected,
            Format = format.Extension,
        };
        merged.Write(output);
        return new EmbeddingFileResult(output, rows, first.EmbeddingSize, found.Count, 0, rejected, rejectsPath);
    }

    private sealed record Found(string Path, EmbeddingManifest Manifest, Shard Shard, EmbeddingFileFormat Format);

    private static List<Found> Check(IReadOnlyList<string> shards)
    {
        var problems = new List<string>();
        var found = new List<Found>();
        foreach (string given in shards)
        {
            string path = Path.GetFullPath(given);
            if (!File.Exists(path)) problems.Add($"'{path}' does not exist");
            else if (EmbeddingManifest.Read(path) is not { } manifest)
                problems.Add($"'{path}' has no {Path.GetFileName(EmbeddingManifest.PathOf(path))}, so its job did " +
                             "not finish (rerun it)");
            else found.Add(new Found(path, manifest, Shard.Parse(manifest.Shard),
                EmbeddingFileFormat.Resolve(null, path)));
        }
        void Agree(string what, Func<Found, string> key)
        {
            var groups = found.GroupBy(key).ToList();
            if (groups.Count > 1)
                problems.Add($"they differ in {what}: " +
                             string.Join("; ",
                                 groups.Select(g => $"{g.Key} ({string.Join(", ", g.Select(f => f.Path))})")));
        }
        Agree("model (SHA-256)", f => f.Manifest.ModelSha256);
        Agree("input", f => f.Manifest.Input);
        Agree("embedding size", f => f.Manifest.EmbeddingSize.ToString());
        Agree("shard count", f => f.Shard.Count.ToString());
        if (found.Select(f => f.Shard.Count).Distinct().Count() == 1)
        {
            int n = found[0].Shard.Count;
            var missing = Enumerable.Range(0, n).Where(i => found.All(f => f.Shard.Index != i)).ToList();
            if (missing.Count > 0)
                problems.Add($"shard(s) {string.Join(", ", missing.Select(i => $"{i}/{n}"))} missing");
            foreach (var twice in found.GroupBy(f => f.Shard.Index).Where(g => g.Count() > 1))
                problems.Add(
                    $"shard {twice.Key}/{n} given {twice.Count()} times " +
                    $"({string.Join(", ", twice.Select(f => f.Path))})");
        }
        if (problems.Count > 0)
            throw new InvalidOperationException($"Cannot merge the shards: {string.Join("; ", problems)}.");
        return found;
    }

    // Every shard is in index order; a k-way merge by index restores the input's order.
    private static async IAsyncEnumerable<EmbeddingRow> InIndexOrder(List<Found> shards,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var readers =
            shards.Select(s => s.Format.ReadAsync(s.Path, cancellationToken).GetAsyncEnumerator(cancellationToken))
            .ToList();
        try
        {
            var next = new PriorityQueue<IAsyncEnumerator<EmbeddingRow>, long>();
            foreach (var reader in readers)
                if (await reader.MoveNextAsync()) next.Enqueue(reader, reader.Current.Index);
            while (next.TryDequeue(out var reader, out _))
            {
                yield return reader.Current;
                if (await reader.MoveNextAsync()) next.Enqueue(reader, reader.Current.Index);
            }
        }
        finally
        {
            foreach (var reader in readers) await reader.DisposeAsync();
        }
    }
}
