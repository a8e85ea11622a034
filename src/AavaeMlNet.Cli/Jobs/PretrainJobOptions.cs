using AavaeMlNet.Data.Readers;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>Where `aavae pretrain` reads its images: exactly one of the four kinds.</summary>
public sealed record PretrainInput
{
    /// <summary>A built-in data set: fashion-mnist, cifar10 or stl10 (its "pretrain" split part by default).</summary>
    public string? Dataset { get; init; }
    /// <summary>A manifest JSON file (or built-in name) whose files lie in <see cref="DataDirectory"/>.</summary>
    public string? Manifest { get; init; }
    /// <summary>An IDX images file (raw or gzip'd).</summary>
    public string? Idx { get; init; }
    /// <summary>Labels for <see cref="Idx"/> (unused by pretraining, kept in the saved schema).</summary>
    public string? Labels { get; init; }
    /// <summary>An image folder.</summary>
    public string? Folder { get; init; }
    /// <summary>Data directory of <see cref="Dataset"/> and <see cref="Manifest"/>.</summary>
    public string? DataDirectory { get; init; }
    /// <summary>Subset or split part of the manifest to pretrain on.</summary>
    public string Part { get; init; } = "pretrain";
    /// <summary>Folder images are resized to Size x Size.</summary>
    public int Size { get; init; } = 32;
    /// <summary>
    /// Folder images are read with this many channels (1 or 3); null: 1 when the first 64 images are grayscale
    /// (R = G = B in every pixel), else 3, as the estimator decides for image columns.
    /// </summary>
    public int? Channels { get; init; }
    /// <summary>
    /// Unreadable folder images: Throw (the default for training: a model should not quietly learn from fewer images
    /// than asked) or Skip, listing them in &lt;output&gt;.rejects.csv.
    /// </summary>
    public UndecodableImagePolicy OnBadImage { get; init; } = UndecodableImagePolicy.Throw;
}

/// <summary>Settings of `aavae pretrain`: the input, every model and training setting, and the outputs.</summary>
public sealed record PretrainJobOptions
{
    public required PretrainInput Input { get; init; }
    /// <summary>Every model, view, training and checkpoint-cadence setting (library defaults).</summary>
    public AavaeSettings Settings { get; init; } = new() { Seed = AavaeSettings.DefaultSeed };
    /// <summary>Hold the training pixels in memory.</summary>
    public bool Cache { get; init; } = true;
    /// <summary>The model zip to write; encoder.ckpt is written beside it.</summary>
    public string Output { get; init; } = "model.zip";
    /// <summary>Checkpoint directory; null: "checkpoints" beside <see cref="Output"/>.</summary>
    public string? CheckpointDirectory { get; init; }
    /// <summary>Continue from &lt;checkpoint directory&gt;/last.ckpt exactly where it stopped.</summary>
    public bool Resume { get; init; }
    /// <summary>With <see cref="Resume"/>: continue on data other than the checkpoint's, from the next epoch.</summary>
    public bool ResumeOnOtherData { get; init; }

    /// <summary>
    /// Also write the int8 encoder beside the model (X.int8.onnx), calibrated on the first
    /// <see cref="AavaeMlNet.MLNet.AavaeTransformer.DefaultInt8CalibrationImages"/> training images.
    /// </summary>
    public bool Int8 { get; init; }

    /// <summary>The checkpoint directory in effect.</summary>
    public string EffectiveCheckpointDirectory =>
        CheckpointDirectory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Output))!, "checkpoints");
}
