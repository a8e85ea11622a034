using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;

namespace AavaeMlNet.Bench;

/// <summary>A named model, view distribution and batch size to measure.</summary>
internal sealed record BenchConfiguration(
    string Name, AavaeConfig Model, AugmentationOptions Augmentation, int BatchSize)
{
    private static readonly AavaeConfig FashionMnist = new()
    {
        Channels = 1,
        Height = 28,
        Width = 28,
        Depth = Depth.ResNet18,
        Stem = Stem.Cifar,
        WidthMultiplier = 0.25,
    };

    public static IReadOnlyList<BenchConfiguration> All { get; } =
    [
        new("fmnist-r18-w0.25", FashionMnist, AugmentationOptions.Grayscale, 128),
        // The main job's model: the same network with its last stage expanded to h = 512 before pooling.
        new("fmnist-r18-w0.25-h512", FashionMnist with { ExpandFeatures = 512 }, AugmentationOptions.Grayscale, 128),
        // The CPU recipe's Fashion-MNIST run from 10 minutes on: h = 1,024 and batch 64, as a budgeted run trains.
        new("fmnist-recipe", FashionMnist with { ExpandFeatures = 1024 }, AugmentationOptions.Grayscale, 64),
        new("fmnist-recipe-decoder1", FashionMnist with { ExpandFeatures = 1024, DecoderBlocks = 1 },
            AugmentationOptions.Grayscale, 64),
        new("cifar-r18-w0.25", new AavaeConfig { Depth = Depth.ResNet18, WidthMultiplier = 0.25 },
            AugmentationOptions.Cifar10, 128),
        new("cifar-r18", new AavaeConfig { Depth = Depth.ResNet18 }, AugmentationOptions.Cifar10, 64),
        new("stl-r18-w0.25",
            new AavaeConfig
            {
                Height = 96,
                Width = 96,
                Depth = Depth.ResNet18,
                Stem = Stem.Stl,
                WidthMultiplier = 0.25,
            },
            AugmentationOptions.Stl10, 64),
    ];

    public static BenchConfiguration Find(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"Unknown bench configuration '{name}': " +
            $"expected one of {string.Join(", ", All.Select(c => c.Name))}.");
}
