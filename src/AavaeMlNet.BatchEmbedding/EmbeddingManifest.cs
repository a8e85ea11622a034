using System.Security.Cryptography;
using System.Text.Json;
using AavaeMlNet.Io;

namespace AavaeMlNet.BatchEmbedding;

/// <summary>
/// What a finished `aavae embed` output holds, written beside it as &lt;output&gt;.manifest.json once the output is
/// complete: a shard without it did not finish. <see cref="EmbeddingShardMerge"/> checks shards against each other
/// with it.
/// </summary>
/// <param name="ModelSha256">SHA-256 of the model file (paths differ between machines; contents do not); for a job
/// that embedded with the int8 encoder, followed by "+int8:" and that file's SHA-256
/// (<see cref="ModelEmbedder.Identity"/>), so float and int8 outputs never resume into or merge with each
/// other.</param>
/// <param name="Input">The input as the job named it.</param>
/// <param name="Shard">"i/n"; "0/1" for the whole input (also for a merge of all shards).</param>
/// <param name="EmbeddingSize">Length of every embedding.</param>
/// <param name="Rows">Embeddings in the file.</param>
/// <param name="Rejected">Images skipped as unreadable (listed in &lt;output&gt;.rejects.csv).</param>
/// <param name="ChunkSize">Rows per part while writing (Parquet: rows per row group).</param>
/// <param name="Format">The file's extension: .parquet or .csv.</param>
public sealed record EmbeddingManifest(
    string ModelSha256, string Input, string Shard, int EmbeddingSize, int Rows, int Rejected, int ChunkSize,
    string Format)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The manifest file of <paramref name="output"/>.</summary>
    public static string PathOf(string output) => Path.GetFullPath(output) + ".manifest.json";

    /// <summary>Writes the manifest of <paramref name="output"/> atomically.</summary>
    public void Write(string output) => AtomicFile.WriteAllText(PathOf(output), JsonSerializer.Serialize(this, Json));

    /// <summary>The manifest of <paramref name="output"/>, or null when the file has none.</summary>
    public static EmbeddingManifest? Read(string output)
    {
        string path = PathOf(output);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<EmbeddingManifest>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"Manifest '{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Manifest '{path}' is not readable: {e.Message}", e);
        }
    }

    /// <summary>Hex SHA-256 of a file's contents.</summary>
    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
