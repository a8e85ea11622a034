using AavaeMlNet.Evaluation.Baselines;
using System.CommandLine;
using System.Globalization;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Text;

namespace AavaeMlNet.Cli.Commands;

/// <summary>Options shared by every command.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces with errors.",
        Recursive = true,
    };

    /// <summary>`--on-bad-image fail|skip` for the commands that read image folders.</summary>
    public static Option<string> OnBadImage(UndecodableImagePolicy fallback, string rejects)
    {
        var option = new Option<string>("--on-bad-image")
        {
            Description =
                $"An image file that cannot be read: fail, or skip it and list it (path, reason) in {rejects}.",
            DefaultValueFactory = _ => fallback == UndecodableImagePolicy.Skip ? "skip" : "fail",
        };
        option.AcceptOnlyFromAmong("fail", "skip");
        return option;
    }

    /// <summary>The policy an `--on-bad-image` value names.</summary>
    public static UndecodableImagePolicy ParseOnBadImage(string? text) => text switch
    {
        "skip" => UndecodableImagePolicy.Skip,
        "fail" => UndecodableImagePolicy.Throw,
        _ => throw new ArgumentException($"--on-bad-image '{text}' must be fail or skip."),
    };

    /// <summary>
    /// `--label-budgets`: the label budgets of a label-efficiency table (N/class, P% or N images, comma-separated; ''
    /// for none), with <paramref name="defaults"/> as the default (none when empty).
    /// </summary>
    public static Option<string> LabelBudgets(string what, IReadOnlyList<LabelBudget> defaults) =>
        new("--label-budgets")
        {
            Description = $"Label budgets of {what}: N/class, P% or N images, comma-separated ('' for none); the " +
                          "linear probe is fitted on a stratified, seeded subset per budget.",
            DefaultValueFactory = _ => string.Join(',', defaults),
        };

    /// <summary>
    /// `--baseline`: features every result is compared against (comma-separated identifiers of
    /// <see cref="BaselineFeaturizer.Known"/>), with <paramref name="defaults"/> as the default.
    /// </summary>
    public static Option<string> Baselines(IReadOnlyList<string> defaults) => new("--baseline")
    {
        Description = $"Baselines scored on the same images with the same probes, comma-separated ('' for none): " +
                      "raw (the pixels), imagenet-resnet18 (ML.NET's ImageNet ResNet-18 featurizer, about 25 " +
                      "images/s on two cores; its features are cached, see --feature-cache).",
        DefaultValueFactory = _ => string.Join(',', defaults),
    };

    /// <summary>The baselines a `--baseline` value names, checked against the known ones.</summary>
    public static IReadOnlyList<string> ParseBaselines(string? text)
    {
        var ids = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string id in ids)
            if (!BaselineFeaturizer.Known.Contains(id))
                throw new ArgumentException(
                    $"--baseline '{text}': '{id}' is not a baseline; expected " +
                    $"{string.Join(", ", BaselineFeaturizer.Known)}.");
        return [.. ids.Distinct()];
    }

    /// <summary>`--feature-cache`: the folder of cached baseline features.</summary>
    public static Option<string> FeatureCache() => new("--feature-cache")
    {
        Description = "Folder where baseline features are kept between runs (keyed by the images and the featurizer).",
        DefaultValueFactory = _ => Evaluation.Baselines.FeatureCache.DefaultDirectory,
    };

    /// <summary>
    /// `--probe-l2`: the linear probe's L2 weight, or several to choose from on a stratified 10% held out of the
    /// probe's training images (per label budget too).
    /// </summary>
    public static Option<string> ProbeL2() => new("--probe-l2")
    {
        Description = "L2 weight of the linear probe (ML.NET's L-BFGS scale: against the summed loss; default the " +
                      "trainer's own, 1 for L-BFGS), or several, comma-separated, to choose from on a stratified 10% " +
                      "held out of the probe's training images and refit with (for example 0.1,1,10,100,1000).",
    };

    /// <summary>The weights a `--probe-l2` value names; none (the trainer's default) for an empty value.</summary>
    public static float[] ParseProbeL2(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var weights = parts.Select(part =>
            float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
            && value >= 0 && float.IsFinite(value)
                ? value
                : throw new ArgumentException(
                    $"--probe-l2 '{text}': '{part}' is not a finite number >= 0.")).ToArray();
        if (weights.Length == 0)
            throw new ArgumentException($"--probe-l2 '{text}' names no weight; expected one or more, comma-separated.");
        if (weights.Distinct().Count() != weights.Length)
            throw new ArgumentException($"--probe-l2 '{text}' names a weight twice.");
        return weights;
    }

    /// <summary>The budgets a `--label-budgets` value names; none for an empty value.</summary>
    public static IReadOnlyList<LabelBudget> ParseLabelBudgets(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : LabelBudget.ParseList(text);
}
