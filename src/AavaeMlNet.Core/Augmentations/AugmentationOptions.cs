namespace AavaeMlNet.Augmentations;

/// <summary>
/// The SimCLR view distribution A(x) of the paper (Sec. 4), as data: random resized crop -> horizontal flip ->
/// colour jitter with probability -> random grayscale -> Gaussian blur with probability (-> random erasing, off in
/// every preset). Presets give the values
/// used per data set ("for CIFAR-10 the jitter strength s is 0.5, for STL-10 1.0, and blur is off for CIFAR-10").
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Range of the crop area as a fraction of the image area (SimCLR: 0.08 to 1).</summary>
    public (double Min, double Max) CropScale { get; init; } = (0.08, 1.0);
    /// <summary>Range of the crop aspect ratio, sampled log-uniformly (SimCLR: 3/4 to 4/3).</summary>
    public (double Min, double Max) CropRatio { get; init; } = (3.0 / 4.0, 4.0 / 3.0);
    /// <summary>Probability of a horizontal flip.</summary>
    public double FlipProbability { get; init; } = 0.5;
    /// <summary>Probability that colour jitter is applied to a sample.</summary>
    public double JitterProbability { get; init; } = 0.8;
    /// <summary>
    /// Jitter strength s: brightness, contrast and saturation factors in [1 - 0.8s, 1 +
    /// 0.8s], hue shift in [-0.2s, 0.2s].
    /// </summary>
    public double JitterStrength { get; init; } = 1.0;
    /// <summary>Jitter saturation and hue (RGB only; off for grayscale data).</summary>
    public bool JitterChroma { get; init; } = true;
    /// <summary>Probability of converting a sample to grayscale (RGB only).</summary>
    public double GrayscaleProbability { get; init; } = 0.2;
    /// <summary>Probability of a Gaussian blur (SimCLR: 0.5 for STL-10 and ImageNet, 0 for CIFAR-10).</summary>
    public double BlurProbability { get; init; } = 0.0;
    /// <summary>Blur kernel size as a fraction of the image side (SimCLR: 10%), rounded to an odd size.</summary>
    public double BlurKernelFraction { get; init; } = 0.1;
    /// <summary>Range of the blur sigma in pixels (SimCLR: 0.1 to 2).</summary>
    public (double Min, double Max) BlurSigma { get; init; } = (0.1, 2.0);
    /// <summary>
    /// Probability that a rectangle of the normalized view is erased to the data set's mean (random erasing, drawn
    /// last; 0 keeps every pixel, and then no draws are taken, so runs without it keep their random streams).
    /// </summary>
    public double ErasingProbability { get; init; } = 0.0;
    /// <summary>Range of the erased area as a fraction of the image (torchvision: 0.02 to 0.33).</summary>
    public (double Min, double Max) ErasingScale { get; init; } = (0.02, 0.33);
    /// <summary>Range of the erased rectangle's aspect ratio, drawn log-uniformly (torchvision: 0.3 to 3.3).</summary>
    public (double Min, double Max) ErasingRatio { get; init; } = (0.3, 3.3);
    /// <summary>Normalization applied after the view is drawn (and to the reconstruction target).</summary>
    public required Normalization Normalization { get; init; }

    /// <summary>CIFAR-10: crop, flip, jitter s = 0.5 with p 0.8, grayscale p 0.2, no blur.</summary>
    public static AugmentationOptions Cifar10 { get; } = new()
    {
        JitterStrength = 0.5,
        Normalization = Normalization.Cifar10,
    };

    /// <summary>STL-10: crop, flip, jitter s = 1 with p 0.8, grayscale p 0.2, blur p 0.5.</summary>
    public static AugmentationOptions Stl10 { get; } = new()
    {
        JitterStrength = 1.0,
        BlurProbability = 0.5,
        Normalization = Normalization.Stl10,
    };

    /// <summary>
    /// Grayscale data such as Fashion-MNIST: crop, flip, brightness and contrast jitter (s = 0.5, p 0.8); no
    /// saturation, hue or grayscale ops, which mean nothing on one channel; no blur.
    /// </summary>
    public static AugmentationOptions Grayscale { get; } = new()
    {
        JitterStrength = 0.5,
        JitterChroma = false,
        GrayscaleProbability = 0.0,
        Normalization = Normalization.FashionMnist,
    };

    /// <summary>No augmentation at all (normalization only): the AE and VAE rows of Table 1 see the original.</summary>
    public static AugmentationOptions None(Normalization normalization) => new()
    {
        CropScale = (1.0, 1.0),
        CropRatio = (1.0, 1.0),
        FlipProbability = 0,
        JitterProbability = 0,
        GrayscaleProbability = 0,
        BlurProbability = 0,
        ErasingProbability = 0,
        Normalization = normalization,
    };

    /// <summary>
    /// The preset for images of this shape: grayscale for one channel, CIFAR-10 up to 64 pixels, STL-10 above.
    /// </summary>
    public static AugmentationOptions ForShape(int channels, int height, int width) =>
        channels == 1 ? Grayscale : Math.Max(height, width) <= 64 ? Cifar10 : Stl10;

    /// <summary>The preset <paramref name="preset"/> names.</summary>
    public static AugmentationOptions Of(AugmentationPreset preset) => preset switch
    {
        AugmentationPreset.Cifar10 => Cifar10,
        AugmentationPreset.Stl10 => Stl10,
        AugmentationPreset.Grayscale => Grayscale,
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown augmentation preset."),
    };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        static void Probability(double p, string name)
        {
            if (!(p >= 0 && p <= 1))
                throw new ArgumentOutOfRangeException(name, p, $"{name} must be a probability in [0, 1].");
        }
        // A positive range MIN..MAX, at most 1 where it is a share of the image.
        static void Range((double Min, double Max) range, string name, bool share)
        {
            if (!(range.Min > 0 && range.Min <= range.Max && (!share || range.Max <= 1)))
                throw new ArgumentOutOfRangeException(
                    name, range, $"{name} must satisfy 0 < min <= max{(share ? " <= 1" : "")}.");
        }
        Range(CropScale, nameof(CropScale), share: true);
        Range(CropRatio, nameof(CropRatio), share: false);
        Probability(FlipProbability, nameof(FlipProbability));
        Probability(JitterProbability, nameof(JitterProbability));
        Probability(GrayscaleProbability, nameof(GrayscaleProbability));
        Probability(BlurProbability, nameof(BlurProbability));
        Probability(ErasingProbability, nameof(ErasingProbability));
        Range(ErasingScale, nameof(ErasingScale), share: true);
        Range(ErasingRatio, nameof(ErasingRatio), share: false);
        if (!(JitterStrength >= 0 && JitterStrength <= 1.25))
            throw new ArgumentOutOfRangeException(nameof(JitterStrength), JitterStrength,
                "JitterStrength must be in [0, 1.25] (factors stay positive).");
        Range(BlurSigma, nameof(BlurSigma), share: false);
        if (!(BlurKernelFraction > 0 && BlurKernelFraction < 1))
            throw new ArgumentOutOfRangeException(
                nameof(BlurKernelFraction), BlurKernelFraction, "BlurKernelFraction must be in (0, 1).");
    }
}
