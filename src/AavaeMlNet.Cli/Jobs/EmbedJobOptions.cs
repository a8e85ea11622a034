using AavaeMlNet.Data.Readers;
using AavaeMlNet.BatchEmbedding;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>Settings of `aavae embed`.</summary>
public sealed record EmbedJobOptions
{
    /// <summary>The ML.NET model zip.</summary>
    public required string ModelPath { get; init; }
    /// <summary>Folder, IDX file or MANIFEST@PART (see <see cref="ImageInputs"/>).</summary>
    public required string Input { get; init; }
    /// <summary>The file to write (.parquet or .csv).</summary>
    public required string Output { get; init; }
    /// <summary>Labels of an IDX input.</summary>
    public string? Labels { get; init; }
    /// <summary>Data directory of a manifest input.</summary>
    public string? DataDirectory { get; init; }
    /// <summary>parquet or csv; null: from the output's extension.</summary>
    public string? Format { get; init; }
    /// <summary>Which rows to embed.</summary>
    public Shard Shard { get; init; } = Shard.All;
    /// <summary>Rows per part file (and per call into the model): the unit of progress kept across a kill.</summary>
    public int ChunkSize { get; init; } = 1024;
    /// <summary>The embedding column of the model.</summary>
    public string Column { get; init; } = "Embedding";
    /// <summary>
    /// Unreadable files of a folder input: skipped and listed in &lt;output&gt;.rejects.csv (the default: one bad
    /// file among millions must not stop a batch job), or Throw to stop at the first.
    /// </summary>
    public UndecodableImagePolicy OnBadImage { get; init; } = UndecodableImagePolicy.Skip;
    /// <summary>Embed with the int8 encoder beside the model (X.int8.onnx) instead of the float one.</summary>
    public bool Int8 { get; init; }
    /// <summary>The model's pixel input column; null: "Image" or the only one.</summary>
    public string? ImageColumn { get; init; }
}
