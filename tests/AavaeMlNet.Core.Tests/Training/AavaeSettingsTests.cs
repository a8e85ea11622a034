using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.Core.Tests.Training;

public class AavaeSettingsTests
{
    [Fact]
    public void The_view_defaults_follow_the_image_shape()
    {
        var settings = new AavaeSettings();
        Assert.Equal(AugmentationOptions.Cifar10, settings.ToAugmentation(3, 32, 32));
        Assert.Equal(AugmentationOptions.Stl10, settings.ToAugmentation(3, 96, 96));
        Assert.Equal(AugmentationOptions.Grayscale, settings.ToAugmentation(1, 28, 28));
    }

    [Theory]
    [InlineData(32, Stem.Cifar)]
    [InlineData(64, Stem.Cifar)]
    [InlineData(96, Stem.Stl)]
    [InlineData(160, Stem.Stl)]
    [InlineData(224, Stem.ImageNet)]
    public void The_stem_follows_the_image_size_unless_set(int side, Stem expected)
    {
        Assert.Equal(expected, new AavaeSettings().Resolve(3, side, side, 1000).Config.Stem);
        Assert.Equal(Stem.Small, new AavaeSettings { Stem = Stem.Small }.Resolve(3, side, side, 1000).Config.Stem);
    }

    [Fact]
    public void View_settings_replace_only_what_they_name_on_the_preset()
    {
        var view = new AavaeSettings
        {
            CropScale = (0.3, 1.0),
            JitterStrength = 0.25,
            Preset = AugmentationPreset.Stl10,
        }.ToAugmentation(1, 28, 28);
        Assert.Equal((0.3, 1.0), view.CropScale);
        Assert.Equal(0.25, view.JitterStrength);
        Assert.Equal(AugmentationOptions.Stl10 with { CropScale = (0.3, 1.0), JitterStrength = 0.25 }, view);
        var whole = AugmentationOptions.None(Normalization.FashionMnist);
        Assert.Equal(whole with { FlipProbability = 0.5 },
            new AavaeSettings { Augmentation = whole, FlipProbability = 0.5 }.ToAugmentation(1, 28, 28));
    }

    [Fact]
    public void An_impossible_view_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new AavaeSettings { CropScale = (0.5, 0.2) }.ToAugmentation(1, 28, 28));
        Assert.Equal("CropScale", error.ParamName);
    }

    [Fact]
    public void With_sets_one_setting_from_text_on_a_copy()
    {
        var settings = new AavaeSettings();
        var changed = settings.With("latent", "64")
            .With("--lr", "1e-3")
            .With("precision", "bf16")
            .With("depth", "50")
            .With("crop-scale", "0.2,1")
            .With("erasing", "0.5")
            .With("erasing-scale", "0.1,0.2")
            .With("budget", "1.5m")
            .With("stem", "imagenet")
            .With("learn-log-scale", "true");
        Assert.Equal(128, settings.LatentDim);
        Assert.Equal(64, changed.LatentDim);
        Assert.Equal(1e-3, changed.LearningRate);
        Assert.Equal(Precision.BFloat16Mixed, changed.Precision);
        Assert.Equal(Depth.ResNet50, changed.Depth);
        Assert.Equal((0.2, 1.0), changed.CropScale);
        var view = changed.ToAugmentation(1, 28, 28);
        Assert.Equal((0.5, (0.1, 0.2)), (view.ErasingProbability, view.ErasingScale));
        Assert.Equal(0.0, settings.ToAugmentation(1, 28, 28).ErasingProbability);
        Assert.Equal(TimeSpan.FromSeconds(90), changed.TimeBudget);
        Assert.Equal(Stem.ImageNet, changed.Stem);
        Assert.True(changed.LearnLogScale);
    }

    [Theory]
    [InlineData("epochs", "x", "--epochs 'x' must be an integer.")]
    [InlineData("lr", "fast", "--lr 'fast' must be a number.")]
    [InlineData("variant", "gan", "--variant 'gan' must be one of ae, vae, aaae, aavae.")]
    [InlineData("precision", "fp16", "--precision 'fp16' must be one of auto, float32, bf16.")]
    [InlineData("depth", "101", "--depth '101' must be one of 18, 34, 50.")]
    [InlineData("crop-scale", "0.3", "--crop-scale '0.3' must be two numbers MIN,MAX (for example 0.2,1).")]
    [InlineData("learn-log-scale", "yes", "--learn-log-scale 'yes' must be true or false.")]
    [InlineData("budget", "10x",
        "--budget '10x' must be a positive duration such as 30s, 10m or 1h (a bare number is minutes).")]
    [InlineData("budget", "-5m",
        "--budget '-5m' must be a positive duration such as 30s, 10m or 1h (a bare number is minutes).")]
    public void A_text_the_setting_does_not_read_is_an_error_naming_the_flag(string name, string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new AavaeSettings().With(name, text));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_unknown_setting_is_an_error_listing_the_settings()
    {
        var error = Assert.Throws<ArgumentException>(() => new AavaeSettings().With("learning-rate", "1"));
        Assert.StartsWith(
            "Unknown setting 'learning-rate': expected one of budget, recipe, variant, depth, stem, width, " +
            "expand-features, embedding-grid, decoder-blocks, latent,",
            error.Message);
    }

    [Fact]
    public void Every_default_formats_to_text_that_parses_back_to_it()
    {
        var defaults = new AavaeSettings();
        foreach (var setting in AavaeSettings.All)
        {
            object? value = setting.Get(defaults);
            if (setting.Format(value) is not { } text)
            {
                Assert.True(setting.IsNullable, $"{setting.Flag} has no default text but cannot be null");
                continue;
            }
            Assert.Equal(value, setting.Parse(text));
        }
    }

    [Fact]
    public void Each_enum_member_has_its_own_text_which_parses_back_to_it()
    {
        foreach (var setting in AavaeSettings.All.Where(s => s.ValueType.IsEnum))
        {
            var members = Enum.GetValues(setting.ValueType).Cast<object>().ToList();
            Assert.Equal(members.Count, setting.AllowedValues!.Distinct().Count());
            Assert.Equal(members, setting.AllowedValues!.Select(t => setting.Parse(t)!).ToList());
        }
    }

    [Fact]
    public void A_copy_holds_every_setting_also_those_without_a_flag()
    {
        var settings = new AavaeSettings { LatentDim = 7, Augmentation = AugmentationOptions.Stl10 };
        var copy = settings.Copy();
        copy.LatentDim = 8;
        Assert.Equal(7, settings.LatentDim);
        Assert.Same(AugmentationOptions.Stl10, copy.Augmentation);
    }
}
