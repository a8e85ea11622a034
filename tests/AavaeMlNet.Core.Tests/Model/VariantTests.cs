using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Model;

public class VariantTests
{
    [Theory]
    [InlineData(Variant.Ae, false, false, 0.0)]
    [InlineData(Variant.Vae, false, true, 0.1)]
    [InlineData(Variant.Aaae, true, false, 0.0)]
    [InlineData(Variant.Aavae, true, true, 0.0)]
    public void Each_variant_is_a_setting_of_input_sampling_and_beta(Variant variant, bool augments, bool samples, double beta)
    {
        Assert.Equal(augments, variant.AugmentsInput());
        Assert.Equal(samples, variant.SamplesLatent());
        Assert.Equal(beta, new AavaeConfig { Variant = variant }.EffectiveBeta);
    }

    [Fact]
    public void Sampling_is_mu_plus_std_times_eps_from_the_generator()
    {
        using var mu = tensor(new float[] { 1, -1 }).view(1, 2);
        using var logVar = tensor(new float[] { 0, (float)Math.Log(4) }).view(1, 2);
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        using var z = AavaeModel.Sample(mu, logVar, g1);
        using var eps = randn([1, 2], generator: g2);
        var e = eps.data<float>().ToArray();
        var values = z.data<float>().ToArray();
        Assert.Equal(1 + (1 + 1e-6) * e[0], values[0], 5);
        Assert.Equal(-1 + (2 + 1e-6) * e[1], values[1], 5);
    }

    [Fact]
    public void Ae_loss_is_deterministic_and_aavae_loss_depends_on_the_noise()
    {
        random.manual_seed(1);
        using var images = randn(4, 3, 32, 32);
        foreach (var (variant, deterministic) in new[] { (Variant.Ae, true), (Variant.Aavae, false) })
        {
            using var model = new AavaeModel(new AavaeConfig { WidthMultiplier = 0.125, Variant = variant });
            model.eval();
            model.train(); // sampling happens in training mode only
            using var g = new Generator(3);
            using var scope = NewDisposeScope();
            double first = model.Loss(images, images, g).Reconstruction.item<float>();
            double second = model.Loss(images, images, g).Reconstruction.item<float>();
            Assert.Equal(deterministic, first == second);
        }
    }

    [Fact]
    public void Vae_total_is_reconstruction_plus_beta_times_kl()
    {
        random.manual_seed(2);
        using var images = randn(4, 3, 32, 32);
        using var model = new AavaeModel(new AavaeConfig { WidthMultiplier = 0.125, Variant = Variant.Vae, Beta = 0.25 });
        using var g = new Generator(3);
        using var scope = NewDisposeScope();
        var loss = model.Loss(images, images, g);
        double expected = loss.Reconstruction.item<float>() + 0.25 * loss.Kl.item<float>();
        Assert.Equal(expected, loss.Total.item<float>(), 2);
        Assert.True(loss.Kl.item<float>() > 0);
    }
}
