using AavaeMlNet.Data.Readers;

namespace AavaeMlNet.Data.Locators;

/// <summary>The four Fashion-MNIST IDX files (each gzip'd or raw) found in one directory.</summary>
/// <param name="Directory">Where they are.</param>
/// <param name="TrainImages">train-images-idx3-ubyte(.gz), 60,000 images.</param>
/// <param name="TrainLabels">train-labels-idx1-ubyte(.gz).</param>
/// <param name="TestImages">t10k-images-idx3-ubyte(.gz), 10,000 images.</param>
/// <param name="TestLabels">t10k-labels-idx1-ubyte(.gz).</param>
public sealed record FashionMnistFiles(
    string Directory, string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    /// <summary>The 60,000 training records with the Fashion-MNIST class names.</summary>
    public IdxSource OpenTrain() => new(TrainImages, TrainLabels, FashionMnistLocator.ClassNames);

    /// <summary>The 10,000 test records with the Fashion-MNIST class names.</summary>
    public IdxSource OpenTest() => new(TestImages, TestLabels, FashionMnistLocator.ClassNames);
}
