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
}
