using AavaeMlNet.Model;
using AavaeMlNet.Training;
using TorchSharp.Modules;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Training;

public class BatchNormRecalibrationTests
{
    [Fact]
    public void The_stem_statistics_become_the_average_of_the_clean_batch_means_and_nothing_else_changes()
    {
        using var model = new AavaeModel(TinyConfig());
        model.eval();
        using var images = Squares(24);
        var batches = new[] { images.narrow(0, 0, 8), images.narrow(0, 8, 8), images.narrow(0, 16, 8) }
            .Select(b => (b - 0.5) / 0.25)
            .ToList();
        var before = Weights(model).Where(p => !p.Key.Contains("running_") && !p.Key.Contains("num_batches")).ToList();

        long used = BatchNormRecalibration.Run(model, batches);

        Assert.Equal(24, used);
        Assert.False(model.training);
        var (conv, norm) = model.Encoder.StemLayers;
        Assert.Equal(0.1, norm.momentum);
        using var noGrad = no_grad();
        // Cumulative averaging over equal-sized batches: the mean of the three batch means of the stem conv's output.
        var expected = batches.Select(b => conv.forward(b).mean([0L, 2L, 3L])).Aggregate((a, b) => a + b) / 3;
        var actual = norm.running_mean!;
        Assert.True((actual - expected).abs().max().item<float>() < 1e-5, "stem running mean");
        var after = Weights(model);
        foreach (var (name, values) in before) Assert.Equal(values, after[name]);
    }

    [Fact]
    public void A_run_with_recalibration_ends_with_statistics_of_clean_images_and_still_resumes_exactly()
    {
        using var images = Squares(40);
        using var data = new TensorBatchSource(images);
        TrainingOptions WithClean(string? dir, int epochs) => Options(dir, epochs) with { CleanBatchNormImages = 16 };
        using var plain = new AavaeTrainer(TinyConfig(), Augmentation, Options(null, 2));
        plain.Fit(data);
        using var straight = new AavaeTrainer(TinyConfig(), Augmentation, WithClean(null, 2));
        straight.Fit(data);
        // Same training, different statistics.
        var (_, plainNorm) = plain.Model.Encoder.StemLayers;
        var (_, cleanNorm) = straight.Model.Encoder.StemLayers;
        Assert.False(plainNorm.running_mean!.allclose(cleanNorm.running_mean!));
        Assert.Equal(Weights(plain.Model)["encoder.conv1.weight"], Weights(straight.Model)["encoder.conv1.weight"]);

        AssertResumeIsExact(data, WithClean);
    }
}
