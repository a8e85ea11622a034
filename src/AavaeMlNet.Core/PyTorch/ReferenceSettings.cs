using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// This project's settings for a reference checkpoint: options first, then the reference's hyperparameters
/// (src/vae.py), then what the tensor shapes say. Each choice is noted with its origin.
/// </summary>
internal static class ReferenceSettings
{
    private const int ReferenceBaseWidth = 64;

    public static AavaeConfig Config(ReferenceCheckpoint checkpoint, ReferenceImportOptions options, List<string> notes)
    {
        var hp = checkpoint.Hyperparameters;
        var conv1 = Required(checkpoint, "encoder.conv1.weight", 4);
        var mu = Required(checkpoint, "projection.mu.weight", 2);
        int width = (int)conv1.shape[0];
        int channels = (int)conv1.shape[1];

        var depth = options.Depth ?? DepthFromName(hp.String("encoder_name"), checkpoint.Path)
            ?? DepthFromKeys(checkpoint);
        Note(notes, "depth", depth, options.Depth is not null, hp.String("encoder_name") is not null, "block layout");

        bool conv3x3 = hp.Flag("first_conv3x3") ?? conv1.shape[2] == 3;
        bool noMaxPool = hp.Flag("remove_first_maxpool") ?? true;
        var stem = options.Stem ?? (conv3x3, noMaxPool) switch
        {
            (true, true) => Stem.Cifar,
            (false, true) => Stem.Stl,
            (false, false) => Stem.ImageNet,
            _ => throw new NotSupportedException(
                $"'{checkpoint.Path}': first_conv3x3 = True with remove_first_maxpool = False has no stem here."),
        };
        Note(notes, "stem", stem, options.Stem is not null, hp.Flag("first_conv3x3") is not null, "conv1's kernel");

        long? inputHeight = hp.Integer("input_height");
        int size = options.ImageSize ?? (int?)inputHeight ?? stem switch { Stem.Cifar => 32, Stem.Stl => 96, _ => 224 };
        Note(notes, "image size", $"{size}x{size}", options.ImageSize is not null, inputHeight is not null,
            "the stem's usual size");

        int latent = (int?)hp.Integer("latent_dim") ?? (int)mu.shape[0];
        bool denoising = hp.Flag("denoising") ?? true;
        double beta = hp.Number("kl_coeff") ?? 0;
        var variant = options.Variant ?? (denoising ? Variant.Aavae : Variant.Vae);
        var config = new AavaeConfig
        {
            Channels = channels, Height = size, Width = size, Depth = depth, Stem = stem,
            WidthMultiplier = width / (double)ReferenceBaseWidth, LatentDim = latent, Variant = variant,
            Beta = beta, LogScale = checkpoint.StateDict.TryGetValue("log_scale", out var logScale)
                ? logScale.flatten()[0].item<float>() : 0,
            LearnLogScale = (hp.Integer("learn_scale") ?? 0) != 0,
        };
        if (config.BaseWidth != width)
            throw new NotSupportedException($"'{checkpoint.Path}': a base width of {width} channels is not supported.");
        if (hp.Integer("h_dim") is { } hDim && hDim != config.FeatureDim)
            throw new InvalidDataException(
                $"'{checkpoint.Path}': hyperparameter h_dim = {hDim}, but a {depth} encoder of base width {width} " +
                $"gives h = {config.FeatureDim}.");
        notes.Add($"width: {width} base channels (x{config.WidthMultiplier} of the reference's 64), " +
                  $"h = {config.FeatureDim}, latent {latent}; variant {variant}, KL weight {beta}");
        return config;
    }

    public static AugmentationOptions Augmentation(
        ReferenceCheckpoint checkpoint, ReferenceImportOptions options, AavaeConfig config, List<string> notes)
    {
        string? dataset = checkpoint.Hyperparameters.String("dataset");
        var preset = (dataset ?? "", config.Stem) switch
        {
            ("cifar10", _) or ("", Stem.Cifar) => AugmentationOptions.Cifar10,
            _ => AugmentationOptions.Stl10,
        };
        var normalization = options.Normalization ?? (dataset ?? "") switch
        {
            "cifar10" => Normalization.Cifar10,
            "stl10" => Normalization.Stl10,
            "imagenet" => Normalization.ImageNet,
            "" => config.Stem switch
            {
                Stem.Cifar => Normalization.Cifar10,
                Stem.Stl => Normalization.Stl10,
                _ => Normalization.ImageNet,
            },
            _ => throw new NotSupportedException(
                $"'{checkpoint.Path}': dataset '{dataset}' has no known normalization; set the Normalization option."),
        };
        if (normalization.Channels != config.Channels)
            throw new ArgumentException(
                $"The normalization has {normalization.Channels} channel(s); the encoder takes {config.Channels}.");
        string origin = options.Normalization is not null ? "option" : dataset is not null ? $"dataset '{dataset}'"
            : $"assumed from the {config.Stem} stem";
        notes.Add($"normalization: mean ({string.Join(", ", normalization.Mean)}), " +
                  $"std ({string.Join(", ", normalization.Std)}) ({origin})");
        return preset with { Normalization = normalization };
    }

    public static TrainingOptions Training(ReferenceHyperparameters hp)
    {
        var defaults = new TrainingOptions();
        bool cosine = (hp.Integer("cosine_decay") ?? 0) != 0;
        bool linear = (hp.Integer("linear_decay") ?? 0) != 0;
        return defaults with
        {
            LearningRate = hp.Number("learning_rate") ?? defaults.LearningRate,
            BatchSize = (int?)hp.Integer("batch_size") ?? defaults.BatchSize,
            WarmupEpochs = hp.Number("warmup_epochs") ?? defaults.WarmupEpochs,
            WeightDecay = hp.Number("weight_decay") ?? defaults.WeightDecay,
            Decay = cosine ? LearningRateDecay.Cosine : linear ? LearningRateDecay.Linear : LearningRateDecay.Constant,
        };
    }

    /// <summary>The reference's arguments for <paramref name="c"/>; the inverse of what an import reads.</summary>
    public static string Arguments(AavaeConfig c)
    {
        string encoder = c.Depth switch
        {
            Depth.ResNet18 => "resnet18",
            Depth.ResNet34 => "resnet34",
            _ => c.BaseWidth switch
            {
                2 * ReferenceBaseWidth => "resnet50w2",
                4 * ReferenceBaseWidth => "resnet50w4",
                _ => "resnet50",
            },
        };
        bool conv3x3 = c.Stem == Stem.Cifar;
        bool noMaxPool = c.Stem != Stem.ImageNet;
        return $"--encoder_name {encoder} --h_dim {c.FeatureDim} --latent_dim {c.LatentDim} " +
               $"--input_height {c.Height} --first_conv3x3 {conv3x3} --remove_first_maxpool {noMaxPool}";
    }

    private static Depth? DepthFromName(string? name, string path) => name switch
    {
        null => null,
        "resnet18" => Depth.ResNet18,
        "resnet34" => Depth.ResNet34,
        "resnet50" or "resnet50w2" or "resnet50w4" => Depth.ResNet50,
        _ => throw new NotSupportedException($"'{path}': encoder '{name}' is not supported (resnet18, resnet34, " +
                                             "resnet50, resnet50w2, resnet50w4 are)."),
    };

    private static Depth DepthFromKeys(ReferenceCheckpoint checkpoint)
    {
        if (checkpoint.StateDict.ContainsKey("encoder.layer1.0.conv3.weight")) return Depth.ResNet50;
        return checkpoint.StateDict.ContainsKey("encoder.layer3.2.conv1.weight") ? Depth.ResNet34 : Depth.ResNet18;
    }

    private static TorchSharp.torch.Tensor Required(ReferenceCheckpoint checkpoint, string key, int rank)
    {
        if (!checkpoint.StateDict.TryGetValue(key, out var tensor))
            throw new InvalidDataException(
                $"'{checkpoint.Path}' has no '{key}': it is not a state_dict of the reference AAVAE model " +
                $"(its first keys: {string.Join(", ", checkpoint.StateDict.Keys.Take(3))}).");
        if (tensor.dim() != rank)
            throw new InvalidDataException($"'{checkpoint.Path}': '{key}' has rank {tensor.dim()}, expected {rank}.");
        return tensor;
    }

    private static void Note(List<string> notes, string what, object value, bool option, bool hyper, string shapes) =>
        notes.Add($"{what}: {value} ({(option ? "option" : hyper ? "hyper_parameters" : $"from {shapes}")})");
}
