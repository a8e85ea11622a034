namespace AavaeMlNet.Cli.Tests;

/// <summary>
/// One tiny model pretrained by `aavae pretrain` (as a process) and shared by the tests of the collection.
/// </summary>
public sealed class PretrainedModel
{
    public PretrainedModel()
    {
        Directory = TinyData.NewDirectory("model");
        TrainImages = TinyData.WriteIdx(Directory, 64, seed: 1, prefix: "train");
        TestImages = TinyData.WriteIdx(Directory, 32, seed: 3, prefix: "t10k");
        PretrainOutput = CliProcess.Succeed(Directory,
            ["pretrain", "--idx", TrainImages, "--preset", "grayscale", .. TinyArguments,
                "--output", Path.Combine(Directory, "out", "model.zip")]);
        ModelPath = Path.Combine(Directory, "out", "model.zip");
        CheckpointPath = Path.Combine(Directory, "out", "encoder.ckpt");
    }

    /// <summary>The tiny model's settings: 1/8-width ResNet-18, latent 16, one epoch of batch 16.</summary>
    public static string[] TinyArguments =>
    [
        "--width", "0.125", "--expand-features", "0", "--latent", "16", "--epochs", "1", "--batch-size", "16",
        "--warmup-epochs", "0", "--clean-bn-images", "0",
        "--threads", "1",
    ];

    public string Directory { get; }
    public string TrainImages { get; }
    public string TestImages { get; }
    public string ModelPath { get; }
    public string CheckpointPath { get; }
    public CliResult PretrainOutput { get; }
}

[CollectionDefinition(Name)]
public sealed class PretrainedModelCollection : ICollectionFixture<PretrainedModel>
{
    public const string Name = "pretrained tiny model";
}
