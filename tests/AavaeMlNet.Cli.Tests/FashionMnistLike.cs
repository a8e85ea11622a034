namespace AavaeMlNet.Cli.Tests;

/// <summary>
/// A data directory shaped as Fashion-MNIST (the four gzip'd IDX files under their official names, 28x28, 60,000
/// training images so that the built-in manifest's pretrain and validation splits index into it) but with the
/// synthetic stripes of <see cref="TinyData"/> and 100 test images, so the Fashion-MNIST jobs run in seconds. Given as
/// --data-dir, it is found before the Debian package or any download.
/// </summary>
public sealed class FashionMnistLike : IDisposable
{
    public FashionMnistLike()
    {
        Directory = TinyData.NewDirectory("fashion-mnist-like");
        TinyData.WriteIdx(Directory, 60_000, seed: 11, prefix: "train", side: 28);
        TestImages = TinyData.WriteIdx(Directory, 100, seed: 12, prefix: "t10k", side: 28);
    }

    public string Directory { get; }

    public string TestImages { get; }

    public string TestLabels => TestImages.Replace("-images-idx3-", "-labels-idx1-", StringComparison.Ordinal);

    /// <summary>The smallest run of the jobs: 1/8-width ResNet-18, latent 16, one epoch of batch 16 on 64 images.
    /// </summary>
    public string[] TinyJob =>
    [
        "--data-dir", Directory, "--pretrain-images", "64", "--probe-train-images", "40", "--width", "0.125",
        "--expand-features", "0", "--latent", "16", "--epochs", "1", "--batch-size", "16", "--warmup-epochs", "0",
        "--clean-bn-images", "0", "--threads", "1",
    ];

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class FashionMnistLikeCollection : ICollectionFixture<FashionMnistLike>
{
    public const string Name = "Fashion-MNIST-shaped data";
}
