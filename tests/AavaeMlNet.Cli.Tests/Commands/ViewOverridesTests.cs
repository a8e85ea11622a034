using AavaeMlNet.Augmentations;
using AavaeMlNet.Cli.Jobs;

namespace AavaeMlNet.Cli.Tests.Commands;

public class ViewOverridesTests
{
    [Fact]
    public void Overrides_replace_only_what_they_name()
    {
        var view = new ViewOverrides { CropScale = (0.3, 1.0), JitterStrength = 0.25 }.Apply(AugmentationOptions.Grayscale);
        Assert.Equal((0.3, 1.0), view.CropScale);
        Assert.Equal(0.25, view.JitterStrength);
        Assert.Equal(AugmentationOptions.Grayscale.CropRatio, view.CropRatio);
        Assert.Equal(AugmentationOptions.Grayscale.FlipProbability, view.FlipProbability);
        Assert.Equal(AugmentationOptions.Grayscale.Normalization, view.Normalization);
        Assert.True(new ViewOverrides().IsEmpty);
        Assert.Equal(AugmentationOptions.Grayscale, new ViewOverrides().Apply(AugmentationOptions.Grayscale));
    }

    [Fact]
    public void An_impossible_override_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ViewOverrides { CropScale = (0.5, 0.2) }.Apply(AugmentationOptions.Grayscale));
        Assert.Equal("CropScale", error.ParamName);
    }
}
