using System.Globalization;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Text;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>A run's settings with every gap filled: what the trainer consumes, and the choices behind it.</summary>
/// <param name="Recipe">The recipe that filled the gaps (<see cref="Recipe.Auto"/> resolved for the device).</param>
/// <param name="Config">The architecture and objective.</param>
/// <param name="Augmentation">The view distribution.</param>
/// <param name="Training">The optimisation settings (checkpoint cadence at its defaults); its
/// <see cref="TrainingOptions.Recipe"/> holds <paramref name="Choices"/>.</param>
/// <param name="Choices">One entry per recipe setting: its value, the user's or the recipe's, and why.</param>
public sealed record ResolvedSettings(Recipe Recipe, AavaeConfig Config, AugmentationOptions Augmentation,
    TrainingOptions Training, IReadOnlyList<RecipeChoice> Choices)
{
    /// <summary>The run's header: the recipe, then one line per choice.</summary>
    public IEnumerable<string> Header()
    {
        yield return $"Recipe: {Recipe.ToString().ToLowerInvariant()} (settings you leave unset; yours win)";
        foreach (var choice in Choices) yield return "  " + choice;
    }
}

/// <summary>
/// Fills the settings a user leaves unset. The CPU recipe is what the Fashion-MNIST measurements on two cores settled
/// (docs/results/fashion-mnist-recipe.md); the paper's is its GPU setup (Sec. 4). Each choice carries its reason.
/// </summary>
public static class RecipeResolver
{
    /// <summary>The CPU recipe's budget when neither a budget nor epochs are given.</summary>
    public static readonly TimeSpan DefaultCpuBudget = TimeSpan.FromMinutes(10);

    /// <summary>The shortest budget for which the CPU recipe expands the features to 1024 rather than 512.</summary>
    public static readonly TimeSpan WideFeaturesFrom = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The CPU recipe's batch, and the learning rate that goes with it (scaled linearly with the batch).
    /// </summary>
    public const int CpuBatchSize = 64;

    /// <summary>
    /// Adam's rate at <see cref="CpuBatchSize"/>: the top of the measured range (5e-4 lost 1.3 points).
    /// </summary>
    public const double CpuLearningRate = 1e-3;

    /// <summary>The CPU recipe's embedding grid (<see cref="AavaeConfig.EmbeddingGrid"/>): 2x2 regions.</summary>
    public const int CpuEmbeddingGrid = 2;

    /// <summary>Clean images the CPU recipe recomputes the BatchNorm statistics on.</summary>
    public const int CpuCleanBatchNormImages = 5000;

    /// <summary>The CPU recipe's weight average (<see cref="TrainingOptions.WeightAverageDecay"/>).</summary>
    public const double CpuWeightAverageDecay = 0;

    /// <summary>The paper's weight average: none (the last step's weights).</summary>
    public const double PaperWeightAverageDecay = 0;

    /// <summary>The paper's encoder (Sec. 4): ResNet-50.</summary>
    public const Depth PaperDepth = Depth.ResNet50;

    /// <summary>The paper's width: the standard ResNet (64..512 channels).</summary>
    public const double PaperWidthMultiplier = 1.0;

    /// <summary>The paper's run length in epochs (it trains 400..3200).</summary>
    public const int PaperEpochs = 800;

    /// <summary>The paper's CIFAR-10 batch and learning rate (up to 64 pixels).</summary>
    public const int PaperBatchSize = 256;

    /// <summary>The paper's CIFAR-10 learning rate.</summary>
    public const double PaperLearningRate = 2.5e-4;

    /// <summary>The paper's STL-10 batch (above 64 pixels).</summary>
    public const int PaperLargeImageBatchSize = 512;

    /// <summary>The paper's STL-10 learning rate.</summary>
    public const double PaperLargeImageLearningRate = 5e-4;

    /// <summary>The paper's linear warmup, in epochs.</summary>
    public const double PaperWarmupEpochs = 10;

    /// <summary>The rate after warmup in both recipes: constant, as the paper.</summary>
    public const LearningRateDecay DefaultDecay = LearningRateDecay.Constant;

    /// <summary>Clean images the paper's recipe recomputes BatchNorm on: none (it keeps the views' statistics).
    /// </summary>
    public const int PaperCleanBatchNormImages = 0;

    /// <summary>See <see cref="AavaeSettings.Resolve"/>.</summary>
    public static ResolvedSettings Resolve(AavaeSettings s, int channels, int height, int width, long images)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (images < 0) throw new ArgumentOutOfRangeException(nameof(images), images, "images must be >= 0.");
        var device = ComputeDevice.Resolve(s.Device);
        var recipe = s.Recipe switch
        {
            Recipe.Auto => device.type == TorchSharp.DeviceType.CPU ? Recipe.Cpu : Recipe.Paper,
            Recipe.Cpu or Recipe.Paper => s.Recipe,
            _ => throw new ArgumentOutOfRangeException(nameof(AavaeSettings.Recipe), s.Recipe,
                "Recipe must be Auto, Cpu or Paper."),
        };
        bool cpu = recipe == Recipe.Cpu;
        int side = Math.Max(height, width);
        var choices = new List<RecipeChoice>();
        T Choose<T>(string name, T? given, T fallback, string why) where T : struct
        {
            var value = given ?? fallback;
            choices.Add(new RecipeChoice(name, Text(value), given is not null, given is null ? why : "set by you"));
            return value;
        }

        var depth = Choose(nameof(s.Depth), s.Depth, cpu ? Depth.ResNet18 : PaperDepth, cpu
            ? "ResNet-18: the depth measured on two cores (ResNet-50 costs about 2.5x the compute)"
            : "the paper's ResNet-50");
        double widthMultiplier = Choose(nameof(s.WidthMultiplier), s.WidthMultiplier,
            cpu ? 0.25 : PaperWidthMultiplier, cpu
            ? "a quarter-width ResNet: 90.8-91.0 % linear probe on Fashion-MNIST in one hour; half width gave " +
              "90.9-91.2 % (+0.16 over two seeds, within the noise) and embeds 3x slower"
            : "the paper's full width");
        TimeSpan? budget = s.TimeBudget ?? (cpu && s.Epochs is null ? DefaultCpuBudget : null);
        bool longRun = budget is not { } length || length >= WideFeaturesFrom;
        int expand = Choose(nameof(s.ExpandFeatures), s.ExpandFeatures, !cpu ? 0 : longRun ? 1024 : 512, !cpu
            ? "none: the paper's ResNet"
            : longRun
                ? "h = 1024 features before pooling: +0.5 and +0.65 points over 512 at 10 minutes (two seeds), +0.8 " +
                  "at 15 minutes, +0.7 over the hour, for 6 % more compute per step"
                : "h = 512 features before pooling under 10 minutes: 84.5 % against 81.1 % for h = 1024 in the " +
                  "5-minute main job (1024 wins from 10 minutes on)");
        int grid = Choose(nameof(s.EmbeddingGrid), s.EmbeddingGrid, cpu ? CpuEmbeddingGrid : 0, cpu
            ? "the embedding adds the last two stages' features averaged over 2x2 regions: +0.95 points with all " +
              "labels and +1.5 with 1,000 for a 10-minute model on Fashion-MNIST, training unchanged"
            : "none: the paper's pooled features");
        int batchFallback = cpu ? CpuBatch(images) : side > 64 ? PaperLargeImageBatchSize : PaperBatchSize;
        int batch = Choose(nameof(s.BatchSize), s.BatchSize, batchFallback, cpu
            ? batchFallback == CpuBatchSize
                ? "64: twice the steps of 128 for 6 % more time (+0.8 points on validation)"
                : $"a quarter of the {images:N0} images, so that an epoch has several steps (64 for larger data)"
            : side > 64 ? "the paper's STL-10 batch" : "the paper's CIFAR-10 batch");
        double rateFallback = cpu ? CpuLearningRate * batch / CpuBatchSize
            : side > 64 ? PaperLargeImageLearningRate : PaperLearningRate;
        double rate = Choose(nameof(s.LearningRate), s.LearningRate, rateFallback, cpu
            ? "1e-3 per 64 images, scaled linearly with the batch (the paper's rule); 5e-4 lost 1.3 points"
            : side > 64 ? "the paper's STL-10 rate" : "the paper's CIFAR-10 rate");
        var decay = Choose(nameof(s.Decay), s.Decay, DefaultDecay, cpu
            ? "constant after warmup, as the paper: a cosine decay to the budget lost 0.7 points at the hour"
            : "the paper's constant rate");

        if (budget is { } b)
            choices.Add(new RecipeChoice(nameof(s.TimeBudget), Duration.ToText(b), s.TimeBudget is not null,
                s.TimeBudget is not null ? "set by you" : "no budget or epochs given: the CPU recipe's 10 minutes"));
        int? epochs = s.Epochs ?? (budget is null ? PaperEpochs : null);
        choices.Add(new RecipeChoice(nameof(s.Epochs), epochs?.ToString(CultureInfo.InvariantCulture) ?? "unbounded",
            s.Epochs is not null, s.Epochs is not null ? "set by you"
                : epochs is null ? "as many as the budget allows" : "the paper's 800 epochs (it trains 400..3200)"));

        double? warmupEpochs = s.WarmupEpochs ?? (cpu ? null : PaperWarmupEpochs);
        var training = new TrainingOptions();
        choices.Add(new RecipeChoice(nameof(s.WarmupEpochs),
            warmupEpochs?.ToString(CultureInfo.InvariantCulture) ?? "5 % of the run", s.WarmupEpochs is not null,
            s.WarmupEpochs is not null ? "set by you"
                : warmupEpochs is null
                    ? $"{training.WarmupShare:P0} of the planned steps, at most {RunPlan.MaxSharedWarmupSteps:N0}: " +
                      "the rate is at its value for most of any budget"
                    : "the paper's 10 epochs"));
        int clean = Choose(nameof(s.CleanBatchNormImages), s.CleanBatchNormImages,
            cpu ? (int)Math.Min(CpuCleanBatchNormImages, images) : PaperCleanBatchNormImages, cpu
                ? "recompute BatchNorm on up to 5,000 clean images: +0.9 points for a few seconds"
                : "the paper keeps the statistics of the views");
        double average = Choose(nameof(s.WeightAverageDecay), s.WeightAverageDecay,
            cpu ? CpuWeightAverageDecay : PaperWeightAverageDecay, cpu
                ? "no average: the last step's weights (an average lost 0.43 points at 10 minutes and was level " +
                  "over the hour)"
                : "the paper keeps the last step's weights");
        var augmentation = s.ToAugmentation(channels, height, width);
        var declared = s.AugmentationOrigin is { } origin && origin.Views == s.Augmentation
            ? s.AugmentationOrigin : null;
        bool viewsGiven = declared is null && (s.Augmentation is not null || s.Preset is not null);
        var tuned = AavaeSettings.All
            .Where(v => v.Topic == Views && v.PropertyName != nameof(s.Preset) && v.Get(s) is not null)
            .Select(v => $"{v.Name} {v.Format(v.Get(s))}").ToList();
        string viewName = declared?.Name ?? ViewName(s, augmentation);
        if (tuned.Count > 0) viewName += " with " + string.Join(", ", tuned);
        if (!s.Variant.AugmentsInput()) viewName += $", unused: {s.Variant} encodes the original";
        viewsGiven |= tuned.Count > 0;
        choices.Add(new RecipeChoice(Views, viewName, viewsGiven,
            viewsGiven ? "set by you"
            : declared?.DeclaredBy ?? $"the preset for {channels}-channel {height}x{width} images"));

        var config = new AavaeConfig
        {
            Channels = channels,
            Height = height,
            Width = width,
            Depth = depth,
            Stem = s.Stem ?? StemFor(side),
            WidthMultiplier = widthMultiplier,
            ExpandFeatures = expand == 0 ? null : expand,
            EmbeddingGrid = grid,
            DecoderBlocks = s.DecoderBlocks,
            LatentDim = s.LatentDim,
            Variant = s.Variant,
            Beta = s.Beta,
            LogScale = s.LogScale,
            LearnLogScale = s.LearnLogScale,
        };
        training = training with
        {
            Epochs = epochs,
            BatchSize = batch,
            LearningRate = rate,
            WarmupEpochs = warmupEpochs,
            Decay = decay,
            WeightDecay = s.WeightDecay,
            LossSpikeFactor = s.LossSpikeFactor,
            Seed = s.SeedOrDefault(),
            TimeBudget = budget,
            Device = s.Device,
            Threads = s.Threads,
            Precision = s.Precision,
            ChannelsLast = s.ChannelsLast,
            CleanBatchNormImages = clean,
            WeightAverageDecay = average,
            CheckpointEveryEpochs = s.CheckpointEveryEpochs,
            CheckpointEvery = s.CheckpointEvery,
            CheckpointEverySteps = s.CheckpointEverySteps,
            Recipe = choices,
        };
        config.Validate();
        training.Validate();
        return new ResolvedSettings(recipe, config, augmentation, training, choices);
    }

    /// <summary>The stem for images whose longer side is <paramref name="side"/> pixels: the CIFAR stem up to 64,
    /// the STL stem up to 160, the ImageNet stem above (the paper's Sec. 4 pairs).</summary>
    public static Stem StemFor(int side) => side switch
    {
        <= 64 => Stem.Cifar,
        <= 160 => Stem.Stl,
        _ => Stem.ImageNet,
    };

    // 64, or a quarter of a small data set (at least 2: BatchNorm needs two samples).
    private static int CpuBatch(long images) =>
        images >= 4L * CpuBatchSize ? CpuBatchSize : (int)Math.Clamp(images / 4, 2, CpuBatchSize);

    /// <summary>
    /// The name of the views' <see cref="RecipeChoice"/>, and the help topic of the view settings (which the choice
    /// lists where a user changed them).
    /// </summary>
    public const string Views = "Views";

    private static string ViewName(AavaeSettings s, AugmentationOptions view) =>
        s.Augmentation is not null ? "custom"
        : s.Preset is { } preset ? preset.ToString().ToLowerInvariant()
        : view.Normalization.Channels == 1 ? "grayscale preset" : "preset by size";

    private static string Text<T>(T value) => value switch
    {
        Enum member => member.ToString(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
