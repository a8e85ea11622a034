using System.CommandLine;
using System.Globalization;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Commands;

/// <summary>Options shared by every command.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces with errors.",
        Recursive = true,
    };

    private static readonly Dictionary<string, Model.Precision> PrecisionNames = new()
    {
        ["auto"] = Model.Precision.Auto,
        ["float32"] = Model.Precision.Float32,
        ["bf16"] = Model.Precision.BFloat16Mixed,
    };

    /// <summary>`--precision auto|float32|bf16`, one declaration for every training command.</summary>
    public static Option<string> Precision()
    {
        var option = new Option<string>("--precision")
        {
            Description = "Arithmetic of convolutions and linear layers: auto (bf16 mixed where the CPU has native " +
                          "bf16, else float32), float32, or bf16 (mixed: weights, optimizer, BatchNorm and loss stay fp32).",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong([.. PrecisionNames.Keys]);
        return option;
    }

    /// <summary>The <see cref="Model.Precision"/> a `--precision` value names.</summary>
    public static Model.Precision ParsePrecision(string? name) => PrecisionNames[name ?? "auto"];

    /// <summary>`--decay constant|cosine|linear`, one declaration for every training command.</summary>
    public static Option<string> Decay(LearningRateDecay fallback)
    {
        var option = new Option<string>("--decay")
        {
            Description = "Learning rate after warmup: constant (paper), or cosine / linear decay to zero at the end " +
                          "of the run (its last step, or its --minutes budget when that ends it first).",
            DefaultValueFactory = _ => fallback.ToString().ToLowerInvariant(),
        };
        option.AcceptOnlyFromAmong([.. Enum.GetNames<LearningRateDecay>().Select(n => n.ToLowerInvariant())]);
        return option;
    }

    /// <summary>`--clean-bn-images N`, one declaration for every training command.</summary>
    public static Option<int> CleanBatchNormImages(int fallback) => new("--clean-bn-images")
    {
        Description = "After pretraining, recompute the encoder's BatchNorm statistics on up to N clean training " +
                      "images (training shows it only augmented views); 0 keeps the statistics of the views.",
        DefaultValueFactory = _ => fallback,
    };

    /// <summary>The <see cref="LearningRateDecay"/> a `--decay` value names.</summary>
    public static LearningRateDecay ParseDecay(string? name) => Enum.Parse<LearningRateDecay>(name ?? "constant", true);
}

/// <summary>The view-distribution flags shared by the training commands, bound to <see cref="ViewOverrides"/>.</summary>
internal sealed class ViewFlags
{
    private readonly Option<string?> cropScale = new("--crop-scale")
    {
        Description = "Crop area range MIN,MAX as fractions of the image (preset: 0.08,1).",
    };
    private readonly Option<string?> cropRatio = new("--crop-ratio")
    {
        Description = "Crop aspect-ratio range MIN,MAX (preset: 0.75,1.333).",
    };
    private readonly Option<double?> flip = new("--flip") { Description = "Probability of a horizontal flip (preset: 0.5)." };
    private readonly Option<double?> jitterStrength = new("--jitter-strength")
    {
        Description = "Colour-jitter strength s: factors in [1 - 0.8s, 1 + 0.8s] (preset: 0.5 for CIFAR-10 and grayscale).",
    };
    private readonly Option<double?> jitterProbability = new("--jitter-probability")
    {
        Description = "Probability that a sample is jittered (preset: 0.8).",
    };

    /// <summary>The flags, to add to a command.</summary>
    public IEnumerable<Option> All => [cropScale, cropRatio, flip, jitterStrength, jitterProbability];

    /// <summary>What the parsed flags change.</summary>
    public ViewOverrides Read(ParseResult parse) => new()
    {
        CropScale = Range(parse.GetValue(cropScale), "--crop-scale"),
        CropRatio = Range(parse.GetValue(cropRatio), "--crop-ratio"),
        FlipProbability = parse.GetValue(flip),
        JitterStrength = parse.GetValue(jitterStrength),
        JitterProbability = parse.GetValue(jitterProbability),
    };

    private static (double Min, double Max)? Range(string? text, string flag)
    {
        if (text is null) return null;
        var parts = text.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double min)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double max))
            return (min, max);
        throw new ArgumentException($"{flag} '{text}' must be two numbers MIN,MAX (for example 0.2,1).");
    }
}
