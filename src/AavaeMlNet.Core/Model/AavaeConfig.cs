using System.Text.Json;
using System.Text.Json.Serialization;
using AavaeMlNet.Training;

namespace AavaeMlNet.Model;

/// <summary>
/// Architecture and objective of an AAVAE model, as a run resolved it (<see cref="AavaeSettings.Resolve"/>). A
/// setting's default here is read from its one declaration: <see cref="AavaeSettings"/>, or for the settings the
/// recipe chooses, the paper's recipe (<see cref="RecipeResolver"/>); the shape defaults to a 3-channel 32x32 image.
/// A checkpoint stores this record, so a resume re-checks the architecture before loading weights.
/// </summary>
public sealed record AavaeConfig
{
    /// <summary>Number of image channels: 3 for RGB, 1 for grayscale.</summary>
    public int Channels { get; init; } = 3;
    /// <summary>Input height in pixels; the decoder reconstructs exactly this height.</summary>
    public int Height { get; init; } = DefaultSide;
    /// <summary>Input width in pixels; the decoder reconstructs exactly this width.</summary>
    public int Width { get; init; } = DefaultSide;
    /// <summary>Encoder depth (the paper's ResNet-50 by default; ResNet-18 is the CPU recipe's).</summary>
    public Depth Depth { get; init; } = RecipeResolver.PaperDepth;
    /// <summary>Encoder stem, chosen by input size (Sec. 4: CIFAR stem for 32x32, STL stem for 96x96).</summary>
    public Stem Stem { get; init; } = RecipeResolver.StemFor(DefaultSide);
    /// <summary>Width multiplier on the standard ResNet widths (64, 128, 256, 512); 0.25 fits a CPU budget.</summary>
    public double WidthMultiplier { get; init; } = RecipeResolver.PaperWidthMultiplier;
    /// <summary>
    /// Channels of a 1x1 conv + BatchNorm + ReLU after the last stage, before pooling, so that h has this size; null
    /// (the paper's ResNet): no such layer, h is the last stage's width. Not in the paper: on Fashion-MNIST, h = 512
    /// lifts the linear probe of ResNet-18 x0.25 by 2.1 points at 4 epochs for 4 % more compute
    /// (docs/results/fashion-mnist-recipe.md).
    /// </summary>
    public int? ExpandFeatures { get; init; }
    /// <summary>
    /// Side k of the grid of image regions over which the embedding also averages the last two stages' features
    /// (k * k * their channels more values after the pooled h); 0 (the paper's): the pooled h alone. Only the embedding
    /// changes: training, z and the decoder see the pooled h either way. Not in the paper: on Fashion-MNIST a 2x2 grid
    /// lifts the linear probe of a 10-minute model from 88.45 % to 89.40 % (docs/results/fashion-mnist-recipe.md).
    /// </summary>
    public int EmbeddingGrid { get; init; }
    /// <summary>
    /// Residual blocks in each of the decoder's four stages; 0 (the reference's): as many as the encoder's stages
    /// (2, 2, 2, 2 for ResNet-18; 3, 4, 6, 3 for ResNet-34 and -50, mirrored). The encoder and the embedding do not
    /// change; a lighter decoder makes each step cheaper.
    /// </summary>
    public int DecoderBlocks { get; init; }
    /// <summary>Size of z (paper default 128; Fig. 4b: 64..512 makes no difference).</summary>
    public int LatentDim { get; init; } = AavaeSettings.Default.LatentDim;
    /// <summary>Which of the paper's four models (Table 1) this network trains as.</summary>
    public Variant Variant { get; init; } = AavaeSettings.Default.Variant;
    /// <summary>KL weight; null takes the variant's default (0.1 for the VAE, 0 otherwise). Fig. 3 sweeps it.</summary>
    public double? Beta { get; init; }
    /// <summary>
    /// Initial log-variance of the Gaussian likelihood (sigma = exp(LogScale / 2)); the paper fixes it at 0.
    /// </summary>
    public double LogScale { get; init; } = AavaeSettings.Default.LogScale;
    /// <summary>Learn the log scale instead of keeping it fixed (Fig. 2a).</summary>
    public bool LearnLogScale { get; init; } = AavaeSettings.Default.LearnLogScale;

    private const int DefaultSide = 32;

    /// <summary>The KL weight in force: <see cref="Beta"/> or the variant's default.</summary>
    [JsonIgnore]
    public double EffectiveBeta => Beta ?? Variant.DefaultBeta();

    /// <summary>Channel count of the first ResNet stage (64 x width multiplier, at least 4).</summary>
    [JsonIgnore]
    public int BaseWidth => Math.Max(4, (int)Math.Round(64 * WidthMultiplier));

    /// <summary>Channels of the last residual stage: 8 x base width, times 4 for ResNet-50.</summary>
    [JsonIgnore]
    public int LastStageChannels => BaseWidth * 8 * DepthLayout.Expansion(Depth);

    /// <summary>Size h of the pooled features: <see cref="ExpandFeatures"/>, else the last stage's channels.</summary>
    [JsonIgnore]
    public int FeatureDim => ExpandFeatures ?? LastStageChannels;

    /// <summary>Channels of the stage before the last: 4 x base width, times 4 for ResNet-50.</summary>
    [JsonIgnore]
    public int ThirdStageChannels => BaseWidth * 4 * DepthLayout.Expansion(Depth);

    /// <summary>
    /// Size of the embedding: h, plus k * k values per channel of the last two stages with
    /// <see cref="EmbeddingGrid"/> k.
    /// </summary>
    [JsonIgnore]
    public int EmbeddingDim => FeatureDim + EmbeddingGrid * EmbeddingGrid * (ThirdStageChannels + LastStageChannels);

    /// <summary>The embedding in words, for run headers and reports: "embedding h + 2x2 grid (1,792 values)".</summary>
    public string DescribeEmbedding() => EmbeddingGrid == 0
        ? FormattableString.Invariant($"embedding h ({EmbeddingDim:N0} values)")
        : FormattableString.Invariant($"embedding h + {EmbeddingGrid}x{EmbeddingGrid} grid ({EmbeddingDim:N0} values)");

    /// <summary>The decoder in words when it is not the reference's mirror: ", decoder 1 block per stage"; else "".
    /// </summary>
    public string DescribeDecoder() => DecoderBlocks switch
    {
        0 => "",
        1 => ", decoder 1 block per stage",
        _ => FormattableString.Invariant($", decoder {DecoderBlocks} blocks per stage"),
    };

    /// <summary>The largest <see cref="EmbeddingGrid"/>: finer grids than 4x4 outgrow the last stages' maps.</summary>
    public const int MaxEmbeddingGrid = 4;

    /// <summary>The most blocks per decoder stage: the deepest encoder stage (ResNet-50's third) has 6.</summary>
    public const int MaxDecoderBlocks = 6;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Channels < 1)
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "Channels must be at least 1.");
        if (Height < 8 || Width < 8)
            throw new ArgumentOutOfRangeException(
                nameof(Height), $"{Height}x{Width}", "Images must be at least 8x8 pixels.");
        if (!Enum.IsDefined(Depth))
            throw new ArgumentOutOfRangeException(
                nameof(Depth), Depth, "Depth must be ResNet18, ResNet34 or ResNet50.");
        if (!Enum.IsDefined(Stem))
            throw new ArgumentOutOfRangeException(nameof(Stem), Stem, "Unknown stem.");
        if (!(WidthMultiplier > 0 && WidthMultiplier <= 4))
            throw new ArgumentOutOfRangeException(
                nameof(WidthMultiplier), WidthMultiplier, "WidthMultiplier must be in (0, 4].");
        if (ExpandFeatures is < 16)
            throw new ArgumentOutOfRangeException(nameof(ExpandFeatures), ExpandFeatures,
                "ExpandFeatures must be at least 16 (or null for no expansion layer).");
        if (EmbeddingGrid is < 0 or > MaxEmbeddingGrid)
            throw new ArgumentOutOfRangeException(nameof(EmbeddingGrid), EmbeddingGrid,
                $"EmbeddingGrid must be in 0..{MaxEmbeddingGrid} (0: the pooled features alone).");
        if (DecoderBlocks is < 0 or > MaxDecoderBlocks)
            throw new ArgumentOutOfRangeException(nameof(DecoderBlocks), DecoderBlocks,
                $"DecoderBlocks must be in 0..{MaxDecoderBlocks} (0: mirror the encoder's stages).");
        if (LatentDim < 1)
            throw new ArgumentOutOfRangeException(nameof(LatentDim), LatentDim, "LatentDim must be at least 1.");
        if (FeatureDim % 16 != 0)
            throw new ArgumentOutOfRangeException(
                ExpandFeatures is null ? nameof(WidthMultiplier) : nameof(ExpandFeatures),
                ExpandFeatures is null ? WidthMultiplier : ExpandFeatures,
                $"The decoder reshapes h = {FeatureDim} features to (h/16, 4, 4): " +
                (ExpandFeatures is null
                    ? "choose a width multiplier that makes h a multiple of 16."
                    : "choose an ExpandFeatures that is a multiple of 16."));
        if (Beta is { } b && !(b >= 0 && double.IsFinite(b)))
            throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "Beta must be a finite number >= 0.");
        if (!double.IsFinite(LogScale))
            throw new ArgumentOutOfRangeException(nameof(LogScale), LogScale, "LogScale must be finite.");
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Serializes the config (enums as names) for checkpoints.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a config written by <see cref="ToJson"/>.</summary>
    public static AavaeConfig FromJson(string json) =>
        JsonSerializer.Deserialize<AavaeConfig>(json, JsonOptions)
        ?? throw new InvalidDataException("The AAVAE config JSON is empty.");
}
