using AavaeMlNet.Data.Readers;
using AavaeMlNet.BatchEmbedding;
using Microsoft.ML;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// `aavae embed`: streams the input through the model in chunks and writes the embeddings, resumable after a kill
/// (see <see cref="ResumableEmbeddingFile"/>: rerunning the same command continues where the killed one stopped).
/// </summary>
public static class EmbedJob
{
    public static async Task<EmbeddingFileResult> RunAsync(EmbedJobOptions options, TextWriter log,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ChunkSize);
        var format = EmbeddingFileFormat.Resolve(options.Format, options.Output);
        if (options.Int8) ModelFiles.Int8EncoderOf(options.ModelPath);
        using var embedder = ModelEmbedder.Load(new MLContext(0), options.ModelPath, options.Column,
            options.ImageColumn, options.Int8);
        log.WriteLine($"Embedding through {embedder.Engine}.");
        var rejects = options.OnBadImage == UndecodableImagePolicy.Skip ? new RejectsFile() : null;
        var source = ImageInputs.Open(options.Input, embedder.Shape, options.Labels, options.DataDirectory, rejects);
        string engine = embedder.Engine;
        var result = await ResumableEmbeddingFile.WriteAsync(embedder, options.Input, source, format, options.Output,
            options.Shard, options.ChunkSize, log, cancellationToken, rejects);
        if (embedder.Engine != engine) log.WriteLine($"Embedded through {embedder.Engine}.");
        return result;
    }
}
