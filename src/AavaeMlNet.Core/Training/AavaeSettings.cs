using System.Reflection;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Settings;

namespace AavaeMlNet.Training;

/// <summary>
/// Every model, view and training setting of a pretraining run, each declared once here with its doc comment and its
/// command-line flag. A setting left null is chosen by the <see cref="Recipe"/> (<see cref="Resolve"/>) from the image
/// shape, the number of images and the device; a value set here always wins over the recipe.
/// <c>AavaeEstimator.Options</c> derives from this
/// class, the CLI binds its flags from it, and the records the trainer consumes come from the conversions at the end
/// (<see cref="Resolve"/>, <see cref="ToAugmentation"/>). <see cref="All"/> lists the
/// settings by flag name and <see cref="With"/> applies a text value to a copy, for sweeps over any setting.
/// </summary>
public class AavaeSettings
{
    /// <summary>Library defaults.</summary>
    public AavaeSettings() { }

    /// <summary>A copy of every setting (also those without a flag) of <paramref name="other"/>.</summary>
    protected AavaeSettings(AavaeSettings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var property in Declared) property.SetValue(this, property.GetValue(other));
    }

    // The budget and the recipe that fills in what is not set.

    /// <summary>
    /// Wall-time budget of pretraining, the final BatchNorm recomputation included (the main setting: say how long
    /// you can wait). The run stops within it and its schedule is laid out against it. Null: the recipe's (10 minutes
    /// on the CPU unless <see cref="Epochs"/> is set; none for the paper's recipe).
    /// </summary>
    [Setting("--budget", "Wall-time budget of pretraining: 30s, 10m, 1h (default: 10m on the CPU unless --epochs " +
                         "is set).", FormerFlag = "--minutes", Topic = "Budget and recipe")]
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>
    /// The defaults of every setting left null: Auto (the CPU recipe on the CPU, the paper's on a CUDA device), Cpu or
    /// Paper.
    /// </summary>
    [Setting("--recipe", "Defaults of the settings you leave unset: auto (cpu on the CPU, paper on CUDA), cpu " +
                         "(measured on two CPU cores) or paper (the paper's GPU settings).")]
    public Recipe Recipe { get; set; } = Recipe.Auto;

    // Model (layer 1).

    /// <summary>Which of the paper's models to train (Table 1): AAVAE by default.</summary>
    [Setting("--variant", "Model of the paper's Table 1.", Topic = "Model")]
    public Variant Variant { get; set; } = Variant.Aavae;

    /// <summary>Encoder depth; null: the recipe's (ResNet-18 on the CPU, the paper's ResNet-50 otherwise).</summary>
    [Setting("--depth", "ResNet depth of the encoder (default: the recipe's).")]
    public Depth? Depth { get; set; }

    /// <summary>
    /// Encoder stem; null picks by image size (up to 64: CIFAR stem, up to 160: STL stem, else ImageNet).
    /// </summary>
    [Setting("--stem", "Encoder stem (default: by image size).")]
    public Stem? Stem { get; set; }

    /// <summary>
    /// Width multiplier on the ResNet widths (1 = 64..512 channels); null: the recipe's (0.25 on the CPU, 1 otherwise).
    /// </summary>
    [Setting("--width", "Width multiplier of the encoder (default: the recipe's).")]
    public double? WidthMultiplier { get; set; }

    /// <summary>
    /// Size h of the pooled features through a 1x1 conv + BatchNorm + ReLU after the last stage; 0: no such layer (the
    /// paper's ResNet); null: the recipe's (on the CPU 512 for budgets under 10 minutes, 1024 from 10 minutes or
    /// with epochs; none otherwise). See <see cref="AavaeConfig.ExpandFeatures"/>.
    /// </summary>
    [Setting("--expand-features", "Expand the last stage to this many features (1x1 conv + BatchNorm + ReLU) " +
                                  "before pooling; 0: none, the paper's ResNet (default: the recipe's).")]
    public int? ExpandFeatures { get; set; }

    /// <summary>
    /// Side k of a grid of image regions over which the embedding also averages the last two stages' features, after
    /// the pooled h; 0: the pooled h alone (the paper's); null: the recipe's (2 on the CPU, 0 otherwise). Only the
    /// embedding changes, not training. See <see cref="AavaeConfig.EmbeddingGrid"/>.
    /// </summary>
    [Setting("--embedding-grid", "Add the last two stages' features averaged over a k x k grid of image regions to " +
                                 "the embedding; 0: the pooled features alone, the paper's (default: the recipe's).")]
    public int? EmbeddingGrid { get; set; }

    /// <summary>
    /// Residual blocks in each decoder stage; 0: mirror the encoder's stages (the reference's). See
    /// <see cref="AavaeConfig.DecoderBlocks"/>.
    /// </summary>
    [Setting("--decoder-blocks", "Residual blocks in each of the decoder's four stages; 0: as many as the encoder's " +
                                 "stages, the reference's.")]
    public int DecoderBlocks { get; set; }

    /// <summary>Size of z (paper: 128; Fig. 4b: 64..512 makes no difference).</summary>
    [Setting("--latent", "Size of z.")]
    public int LatentDim { get; set; } = 128;

    /// <summary>KL weight; null takes the variant's default (0.1 for the VAE, 0 otherwise).</summary>
    [Setting("--beta", "KL weight (default: 0.1 for vae, 0 otherwise).")]
    public double? Beta { get; set; }

    /// <summary>Initial log-variance of the Gaussian likelihood (paper: fixed at 0).</summary>
    [Setting("--log-scale", "Initial log-variance of the Gaussian likelihood.")]
    public double LogScale { get; set; }

    /// <summary>Learn the log scale (Fig. 2a) instead of keeping it fixed.</summary>
    [Setting("--learn-log-scale", "Learn the log scale instead of keeping it fixed.")]
    public bool LearnLogScale { get; set; }

    // Views (layer 2): a preset, then the values that replace the preset's.

    /// <summary>
    /// The whole view distribution; null picks <see cref="Preset"/>. The view settings below still replace its values.
    /// </summary>
    public AugmentationOptions? Augmentation { get; set; }

    /// <summary>
    /// The name and origin of <see cref="Augmentation"/> when the user did not give it, in a run header's words: a data
    /// set's manifest declares its views ("grayscale", "declared by the fashion-mnist manifest, with its
    /// normalization"). It names <c>Views</c> only while <see cref="Augmentation"/> equals them: views replaced
    /// afterwards are the user's again. Null: the user gave them. Not a flag.
    /// </summary>
    public (string Name, string DeclaredBy, AugmentationOptions Views)? AugmentationOrigin { get; set; }

    /// <summary>
    /// View preset; null picks by shape: grayscale for 1 channel, CIFAR-10 up to 64 pixels, STL-10 above.
    /// </summary>
    [Setting("--preset", "Augmentation preset (default: by image shape).", Topic = RecipeResolver.Views)]
    public AugmentationPreset? Preset { get; set; }

    /// <summary>Range of the crop area as a fraction of the image; null keeps the preset's (0.08..1).</summary>
    [Setting("--crop-scale", "Crop area range MIN,MAX as fractions of the image (preset: 0.08,1).")]
    public (double Min, double Max)? CropScale { get; set; }

    /// <summary>Range of the crop aspect ratio; null keeps the preset's (3/4..4/3).</summary>
    [Setting("--crop-ratio", "Crop aspect-ratio range MIN,MAX (preset: 0.75,1.333).")]
    public (double Min, double Max)? CropRatio { get; set; }

    /// <summary>Probability of a horizontal flip; null keeps the preset's (0.5).</summary>
    [Setting("--flip", "Probability of a horizontal flip (preset: 0.5).")]
    public double? FlipProbability { get; set; }

    /// <summary>Colour-jitter strength s; null keeps the preset's.</summary>
    [Setting("--jitter-strength",
        "Colour-jitter strength s: factors in [1 - 0.8s, 1 + 0.8s] (preset: 0.5 for CIFAR-10 and grayscale).")]
    public double? JitterStrength { get; set; }

    /// <summary>Probability that a sample is jittered; null keeps the preset's (0.8).</summary>
    [Setting("--jitter-probability", "Probability that a sample is jittered (preset: 0.8).")]
    public double? JitterProbability { get; set; }

    /// <summary>Probability that a rectangle of the view is erased; null keeps the preset's (0: none).</summary>
    [Setting("--erasing",
        "Probability that a rectangle of the view is erased to the mean; the decoder still rebuilds it (preset: 0).")]
    public double? ErasingProbability { get; set; }

    /// <summary>Range of the erased area as a fraction of the image; null keeps the preset's (0.02..0.33).</summary>
    [Setting("--erasing-scale", "Erased area range MIN,MAX as fractions of the image (preset: 0.02,0.33).")]
    public (double Min, double Max)? ErasingScale { get; set; }

    // Training (layer 3).

    /// <summary>
    /// Passes over the data, for a fixed amount of work (with a <see cref="TimeBudget"/> too, whichever ends first);
    /// null: the budget alone bounds the run (the paper's recipe: 800 epochs).
    /// </summary>
    [Setting("--epochs", "Passes over the data (default: as many as the budget allows).", Topic = "Training")]
    public int? Epochs { get; set; }

    /// <summary>Images per step; null: the recipe's (64 on the CPU, fewer for small data; paper: 256).</summary>
    [Setting("--batch-size", "Images per step (default: the recipe's).")]
    public int? BatchSize { get; set; }

    /// <summary>
    /// Adam learning rate after warmup; null: the recipe's (1e-3 per 64 images on the CPU; paper 2.5e-4).
    /// </summary>
    [Setting("--lr", "Adam learning rate after warmup (default: the recipe's).")]
    public double? LearningRate { get; set; }

    /// <summary>
    /// Linear warmup length in epochs; null: the recipe's (on the CPU 5 % of the planned run, at most 1,000 steps;
    /// paper: 10 epochs).
    /// </summary>
    [Setting("--warmup-epochs", "Linear warmup in epochs (default: the recipe's, 5% of the run on the CPU).")]
    public double? WarmupEpochs { get; set; }

    /// <summary>
    /// Rate after warmup: Constant, Cosine / Linear decay to zero at the end of the run, or Cooldown (constant, then
    /// linear to zero over the run's last fifth); null: the recipe's (constant, as the paper).
    /// </summary>
    [Setting("--decay", "Learning rate after warmup: constant (paper), cosine / linear decay to zero at the end " +
                        "of the run (its last step, or its budget when that ends it first), or cooldown (constant, " +
                        "then linear to zero over the run's last fifth).")]
    public LearningRateDecay? Decay { get; set; }

    /// <summary>Adam weight decay (paper: 0).</summary>
    [Setting("--weight-decay", "Adam weight decay.")]
    public double WeightDecay { get; set; }

    /// <summary>
    /// Roll the run back over a loss spike: a step whose loss exceeds this many times the running mean of the losses
    /// before it is not applied, and the weights and optimizer state go back to a copy from before it (see
    /// <see cref="TrainingOptions.LossSpikeFactor"/>); null: no guard (only NaN or infinity stops a run).
    /// </summary>
    [Setting("--loss-spike-factor", "Roll the weights back to a copy from before a loss spike: a step whose loss " +
                                    "is over N times its running mean, or off.", NullText = "off")]
    public double? LossSpikeFactor { get; set; } = 10;

    /// <summary>
    /// Seed of the weights, data order, augmentations and latent noise. Null: drawn from the MLContext the estimator
    /// is given (<c>AavaeEstimator.Options.Context</c>), as ML.NET's own trainers draw theirs, so
    /// <c>new MLContext(seed: 1)</c> makes the run repeatable; without a context, <see cref="DefaultSeed"/>.
    /// </summary>
    [Setting("--seed", "Seed of everything random.")]
    public long? Seed { get; set; }

    /// <summary>The seed of a run that sets none and has no MLContext to draw one from.</summary>
    public const long DefaultSeed = 42;

    /// <summary><see cref="Seed"/>, or <see cref="DefaultSeed"/> where it is null.</summary>
    public long SeedOrDefault() => Seed ?? DefaultSeed;

    /// <summary>Device for training and in-process embedding.</summary>
    [Setting("--device", "Where to train.", Topic = "Compute")]
    public DeviceKind Device { get; set; } = DeviceKind.Auto;

    /// <summary>libtorch intra-op threads; null keeps libtorch's default (one per core).</summary>
    [Setting("--threads", "libtorch CPU threads (default: libtorch's, one per core).")]
    public int? Threads { get; set; }

    /// <summary>
    /// Arithmetic of convolutions and linear layers for training and in-process embedding: Auto (bf16 mixed where
    /// the CPU has native bf16 or the GPU runs bf16, else fp32), Float32, or BFloat16Mixed (fails where it cannot
    /// run). Weights, optimizer state, BatchNorm statistics and the loss stay fp32; the ONNX export is fp32.
    /// </summary>
    [Setting("--precision", "Arithmetic of convolutions and linear layers: auto (bf16 mixed where the CPU has " +
                            "native bf16, else float32), float32, or bf16 (mixed: weights, optimizer, BatchNorm and " +
                            "loss stay fp32).")]
    public Precision Precision { get; set; } = Precision.Auto;

    /// <summary>Run convolutions in the channels-last (NHWC) layout (faster with libtorch's oneDNN kernels).</summary>
    [Setting("--channels-last", "Run convolutions in the channels-last (NHWC) layout; false: the standard one.")]
    public bool ChannelsLast { get; set; } = true;

    /// <summary>
    /// Recompute the BatchNorm statistics on up to this many clean training images after pretraining (training
    /// shows the encoder only augmented views); 0 keeps the statistics of the views; null: the recipe's (5,000 on the
    /// CPU, 0 for the paper's).
    /// </summary>
    [Setting("--clean-bn-images", "After pretraining, recompute the encoder's BatchNorm statistics on up to N " +
                                  "clean training images (training shows it only augmented views); 0 keeps the " +
                                  "statistics of the views (default: the recipe's).", Topic = "After training")]
    public int? CleanBatchNormImages { get; set; }

    /// <summary>
    /// Decay d of an exponential moving average of the encoder's weights, updated after every step; the encoder ends
    /// the run with the average (then the BatchNorm recomputation). 0: the last step's weights; null: the recipe's (0).
    /// What happens during the run (the epoch callbacks, an experiment's online probe, epoch checkpoints and
    /// last.ckpt's weights) sees the last step's weights; last.ckpt keeps the average beside them, for a resume.
    /// </summary>
    [Setting("--weight-average", "Decay of a moving average of the encoder's weights that the run ends with " +
                                 "(0.999: about the last 1,000 steps; 0: the last step's weights; default: the " +
                                 "recipe's, 0).")]
    public double? WeightAverageDecay { get; set; }

    // Checkpoints (where they go is the caller's: the estimator's CheckpointDirectory, the CLI's --checkpoint-dir).

    /// <summary>
    /// Write a checkpoint every this many epochs (and always after the last one and on cancellation).
    /// </summary>
    [Setting("--checkpoint-every-epochs", "Write last.ckpt every N epochs (and after the last one).",
        Topic = "Checkpoints")]
    public int CheckpointEveryEpochs { get; set; } = 1;

    /// <summary>
    /// Also write last.ckpt inside an epoch once this much wall time has passed since the last checkpoint; null: not
    /// by time. The position is exact, so a resume continues bit for bit.
    /// </summary>
    [Setting("--checkpoint-every", "Also write last.ckpt inside an epoch after this much time since the last one: " +
                                   "30s, 10m, 1h (a bare number is minutes), or off. A resume from it is exact.",
        NullText = "off")]
    public TimeSpan? CheckpointEvery { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Also write last.ckpt after every step whose count is a multiple of this; null: not by steps.</summary>
    [Setting("--checkpoint-every-steps", "Also write last.ckpt after every step count that is a multiple of N, " +
                                         "or off.", NullText = "off")]
    public int? CheckpointEverySteps { get; set; }

    /// <summary>The library's defaults: the one place every default above is read from.</summary>
    public static AavaeSettings Defaults => Default.Copy();

    /// <summary>The defaults themselves, for the records of this assembly to read (never written).</summary>
    internal static readonly AavaeSettings Default = new();

    /// <summary>Every setting with a flag, in declaration order.</summary>
    public static IReadOnlyList<Setting> All => SettingCatalog.Of(typeof(AavaeSettings));

    /// <summary>A copy (of the same type, so an estimator's options stay whole) with every setting as here.</summary>
    public AavaeSettings Copy() => (AavaeSettings)MemberwiseClone();

    /// <summary>
    /// A copy with the setting <paramref name="name"/> (its flag, with or without dashes) set from text.
    /// </summary>
    /// <exception cref="ArgumentException">No such setting, or a text it does not read (the message names both).
    /// </exception>
    public AavaeSettings With(string name, string value)
    {
        var setting = SettingCatalog.Find(typeof(AavaeSettings), name);
        var copy = Copy();
        setting.Set(copy, setting.Parse(value));
        return copy;
    }

    /// <summary>
    /// The run for <paramref name="images"/> images of this shape: every setting left null filled in by the
    /// <see cref="Recipe"/>, the architecture (the stem by size unless <see cref="Stem"/> is set), the view
    /// distribution and the training settings, with one <see cref="RecipeChoice"/> per setting saying why.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting out of its range (named as here).</exception>
    public ResolvedSettings Resolve(int channels, int height, int width, long images) =>
        RecipeResolver.Resolve(this, channels, height, width, images);

    /// <summary>
    /// The view distribution for images of this shape: <see cref="Augmentation"/>, else <see cref="Preset"/>, else the
    /// preset by shape, with the view settings in place (validated).
    /// </summary>
    public AugmentationOptions ToAugmentation(int channels, int height, int width)
    {
        var preset = Augmentation ?? (Preset is { } named
            ? AugmentationOptions.Of(named)
            : AugmentationOptions.ForShape(channels, height, width));
        var view = preset with
        {
            CropScale = CropScale ?? preset.CropScale,
            CropRatio = CropRatio ?? preset.CropRatio,
            FlipProbability = FlipProbability ?? preset.FlipProbability,
            JitterStrength = JitterStrength ?? preset.JitterStrength,
            JitterProbability = JitterProbability ?? preset.JitterProbability,
            ErasingProbability = ErasingProbability ?? preset.ErasingProbability,
            ErasingScale = ErasingScale ?? preset.ErasingScale,
        };
        view.Validate();
        return view;
    }

    private static readonly PropertyInfo[] Declared =
        typeof(AavaeSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
}
