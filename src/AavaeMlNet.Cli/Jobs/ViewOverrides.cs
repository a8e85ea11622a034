using AavaeMlNet.Augmentations;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// Changes to a preset's view distribution from the command line; null leaves the preset's value. Applied by
/// <see cref="Apply"/> on top of whichever preset the job uses.
/// </summary>
public sealed record ViewOverrides
{
    /// <summary>Range of the crop area as a fraction of the image (preset: 0.08..1).</summary>
    public (double Min, double Max)? CropScale { get; init; }
    /// <summary>Range of the crop aspect ratio (preset: 3/4..4/3).</summary>
    public (double Min, double Max)? CropRatio { get; init; }
    /// <summary>Probability of a horizontal flip.</summary>
    public double? FlipProbability { get; init; }
    /// <summary>Colour-jitter strength s.</summary>
    public double? JitterStrength { get; init; }
    /// <summary>Probability that a sample is jittered.</summary>
    public double? JitterProbability { get; init; }

    /// <summary>The preset with these values in place (validated).</summary>
    public AugmentationOptions Apply(AugmentationOptions preset)
    {
        var view = preset with
        {
            CropScale = CropScale ?? preset.CropScale,
            CropRatio = CropRatio ?? preset.CropRatio,
            FlipProbability = FlipProbability ?? preset.FlipProbability,
            JitterStrength = JitterStrength ?? preset.JitterStrength,
            JitterProbability = JitterProbability ?? preset.JitterProbability,
        };
        view.Validate();
        return view;
    }

    /// <summary>True when nothing is overridden.</summary>
    public bool IsEmpty => this == new ViewOverrides();
}
