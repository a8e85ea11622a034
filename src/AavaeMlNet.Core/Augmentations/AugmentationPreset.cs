namespace AavaeMlNet.Augmentations;

/// <summary>The view distributions of <see cref="AugmentationOptions"/> by data set (paper Sec. 4).</summary>
public enum AugmentationPreset
{
    /// <summary><see cref="AugmentationOptions.Cifar10"/>: jitter s = 0.5, no blur.</summary>
    Cifar10,
    /// <summary><see cref="AugmentationOptions.Stl10"/>: jitter s = 1, blur p 0.5.</summary>
    Stl10,
    /// <summary>
    /// <see cref="AugmentationOptions.Grayscale"/>: one channel (Fashion-MNIST); no chroma or grayscale ops.
    /// </summary>
    Grayscale,
}
