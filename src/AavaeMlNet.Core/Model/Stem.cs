namespace AavaeMlNet.Model;

/// <summary>
/// The first layer of the ResNet encoder. The paper (Sec. 4, following SimCLR) adapts the stem to the input size.
/// </summary>
public enum Stem
{
    /// <summary>32x32 inputs (CIFAR-10): 3x3 stride-1 conv1, no max-pool.</summary>
    Cifar,
    /// <summary>96x96 inputs (STL-10): 7x7 stride-2 conv1, no max-pool.</summary>
    Stl,
    /// <summary>ImageNet-size inputs (224x224): 7x7 stride-2 conv1 followed by a 3x3 stride-2 max-pool.</summary>
    ImageNet,
    /// <summary>
    /// Small inputs such as 28x28 grayscale (Fashion-MNIST, MNIST): 3x3 stride-1 conv1, no max-pool, and the last
    /// stage keeps stride 1 so that a 28x28 image still ends on a 4x4 map (28, 14, 7, 7 rather than 28, 14, 7, 4).
    /// </summary>
    Small,
}
