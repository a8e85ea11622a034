using AavaeMlNet.Augmentations;
using AavaeMlNet.MLNet;
using AavaeMlNet.Training;

namespace AavaeMlNet.Tests.MLNet;

public class EstimatorOptionsTests
{
    [Fact]
    public void Options_built_from_settings_hold_every_setting_and_the_estimators_own_defaults()
    {
        var settings = new AavaeSettings { LatentDim = 7, Epochs = 3, Augmentation = AugmentationOptions.Stl10 };
        var options = new AavaeEstimator.Options(settings);
        foreach (var setting in AavaeSettings.All) Assert.Equal(setting.Get(settings), setting.Get(options));
        Assert.Same(AugmentationOptions.Stl10, options.Augmentation);
        Assert.Equal("Image", options.InputColumnName);
        Assert.Equal(256, options.InferenceBatchSize);
    }

    [Fact]
    public void A_copy_of_options_is_still_options_with_their_columns()
    {
        var options = new AavaeEstimator.Options { InputColumnName = "Pixels", LatentDim = 9 };
        var copy = Assert.IsType<AavaeEstimator.Options>(options.With("latent", "10"));
        Assert.Equal("Pixels", copy.InputColumnName);
        Assert.Equal(10, copy.LatentDim);
        Assert.Equal(9, options.LatentDim);
    }

    [Fact]
    public void The_short_catalog_method_sets_only_columns_and_budget_and_leaves_the_rest_to_the_cpu_recipe()
    {
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var options = ml.Transforms.PretrainAavae("Features", "Pixels", TimeSpan.FromMinutes(3)).Settings;

        Assert.Equal(("Features", "Pixels"), (options.OutputColumnName, options.InputColumnName));
        var defaults = new AavaeEstimator.Options { OutputColumnName = "Features", InputColumnName = "Pixels" };
        foreach (var setting in AavaeSettings.All.Where(s => s.PropertyName != nameof(AavaeSettings.TimeBudget)))
            Assert.Equal(setting.Get(defaults), setting.Get(options));
        var run = options.Resolve(1, 28, 28, 60_000);
        Assert.Equal(TimeSpan.FromMinutes(3), run.Training.TimeBudget);
        Assert.Null(run.Training.Epochs);
        Assert.Equal(0.25, run.Config.WidthMultiplier);
    }
}
