using AavaeMlNet.Core.Tests.Training;
using AavaeMlNet.Inference;
using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Inference;

public class FrozenModelTests
{
    // TrainingFixtures' normalization: mean 0.5, std 0.25.
    private static Tensor ByHand(Tensor images) => (images - 0.5f) / 0.25f;

    private static (AavaeModel Model, FrozenModel Frozen) Tiny()
    {
        random.manual_seed(11);
        var model = new AavaeModel(TrainingFixtures.TinyConfig());
        return (model, new FrozenModel(model, TrainingFixtures.Augmentation.Normalization));
    }

    [Fact]
    public void Features_are_the_eval_mode_backbone_of_the_normalized_images_and_the_training_mode_is_restored()
    {
        var (model, frozen) = Tiny();
        using var _ = model;
        using var images = TrainingFixtures.Squares(5, seed: 3);
        model.train();
        using var features = frozen.Features(images);
        Assert.True(model.training);
        Assert.False(features.requires_grad);

        model.eval();
        using var noGrad = no_grad();
        using var expected = model.forward(ByHand(images));
        Assert.Equal(expected.data<float>().ToArray(), features.data<float>().ToArray());
        // In training mode BatchNorm would use the batch's statistics: the frozen output must differ from that.
        model.train();
        using var trainingMode = model.forward(ByHand(images));
        Assert.NotEqual(trainingMode.data<float>().ToArray(), features.data<float>().ToArray());
        model.eval();
        frozen.Features(images).Dispose();
        Assert.False(model.training);
    }

    [Fact]
    public void A_bf16_model_runs_frozen_in_fp32_and_keeps_its_training_precision()
    {
        var (model, frozen) = Tiny();
        using var _ = model;
        using var images = TrainingFixtures.Squares(4, seed: 7);
        model.Compute.Precision = Precision.BFloat16Mixed;
        model.Compute.ChannelsLast = true;
        using var features = frozen.Features(images);
        using var means = frozen.Means(images);
        Assert.Equal(Precision.BFloat16Mixed, model.Compute.Precision);
        Assert.True(model.Compute.ChannelsLast);

        model.eval();
        using var noGrad = no_grad();
        using var bf16 = model.forward(ByHand(images));
        model.Compute.Precision = Precision.Float32;
        model.Compute.ChannelsLast = false;
        using var fp32 = model.forward(ByHand(images));
        using var fp32Means = model.Encode(ByHand(images)).Mu;
        var expected = fp32.data<float>().ToArray();
        var actual = features.data<float>().ToArray();
        // fp32 in another layout: equal up to float rounding, where bf16 is off by its 8-bit mantissa.
        double frozenOff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        double bf16Off = expected.Zip(bf16.data<float>().ToArray(), (e, a) => Math.Abs(e - a)).Max();
        Assert.True(frozenOff <= 1e-5, $"frozen features off the fp32 forward by {frozenOff}");
        Assert.True(bf16Off > 10 * frozenOff, $"bf16 off by {bf16Off}, frozen by {frozenOff}: the test cannot tell");
        var meansOff = fp32Means.data<float>().ToArray().Zip(means.data<float>().ToArray(), (e, a) => Math.Abs(e - a));
        Assert.True(meansOff.Max() <= 1e-5, $"frozen means off the fp32 encoder by {meansOff.Max()}");
    }

    [Fact]
    public void Batched_features_and_means_equal_the_whole_batch_row_by_row()
    {
        var (model, frozen) = Tiny();
        using var _ = model;
        using var images = TrainingFixtures.Squares(7, seed: 4);
        var pixels = images.data<float>().ToArray();
        var config = model.Config;

        var features = new float[7 * config.FeatureDim];
        frozen.Features(pixels, 7, features, batchSize: 3);
        using var whole = frozen.Features(images);
        var expected = whole.data<float>().ToArray();
        // Another batch size may take another convolution kernel: equal up to float rounding.
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], features[i], 1e-5);

        var means = new float[7 * config.LatentDim];
        frozen.Means(pixels, 7, means, batchSize: 2);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var mu = model.Encode(ByHand(images)).Mu.data<float>().ToArray();
        Assert.Equal(7 * config.LatentDim, mu.Length);
        for (int i = 0; i < mu.Length; i++)
            Assert.Equal(mu[i], means[i], 1e-5);
    }

    [Fact]
    public void Reconstructions_are_the_decoded_means_back_in_pixel_space_clamped_to_the_unit_interval()
    {
        random.manual_seed(11);
        using var model = new AavaeModel(TrainingFixtures.TinyConfig());
        using var images = TrainingFixtures.Squares(3, seed: 5);
        // A wide standard deviation maps the untrained decoder's output (a few tenths at most, of either sign: the
        // global generator is shared with tests running in parallel) below 0 with mean -3 and above 1 with mean 4,
        // so both sides of the clamp are exercised whatever the weights.
        var all = new List<float>();
        foreach (float mean in new[] { -3f, 0.5f, 4f })
        {
            var frozen = new FrozenModel(model, new([mean], [20f]));
            var reconstructed = frozen.Reconstruct(images).data<float>().ToArray();
            model.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var decoded = model.Reconstruct((images - mean) / 20f).data<float>().ToArray();
            var expected = decoded.Select(v => v * 20f + mean).ToArray();
            Assert.Equal(decoded.Length, reconstructed.Length);
            for (int i = 0; i < decoded.Length; i++)
                Assert.Equal(Math.Clamp(expected[i], 0f, 1f), reconstructed[i], 1e-6);
            all.AddRange(expected);
        }
        Assert.Contains(all, v => v < 0);
        Assert.Contains(all, v => v > 1);
    }

    [Fact]
    public void Views_already_normalized_are_not_normalized_twice()
    {
        var (model, frozen) = Tiny();
        using var _ = model;
        using var images = TrainingFixtures.Squares(4, seed: 6);
        using var normalized = ByHand(images);
        Assert.Equal(frozen.Features(images).data<float>().ToArray(),
            frozen.FeaturesOfViews(normalized).data<float>().ToArray());
    }

    [Fact]
    public void Buffers_too_short_are_refused_with_the_sizes()
    {
        var (model, frozen) = Tiny();
        using var _ = model;
        var error = Assert.Throws<ArgumentException>(() =>
            frozen.Features(new float[2 * 256], 3, new float[3 * model.Config.FeatureDim], batchSize: 2));
        Assert.StartsWith("Expected 3 images of 256 values, got 512 values.", error.Message);
        error = Assert.Throws<ArgumentException>(() => frozen.Means(new float[3 * 256], 3, new float[5], 2));
        Assert.StartsWith($"Expected room for 3 embeddings of {model.Config.LatentDim} values, got 5.", error.Message);
    }
}
