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
    public void Each_variant_is_a_setting_of_input_sampling_and_beta(Variant variant, bool augments, bool samples,
        double beta)
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
    public void Vae_loss_is_the_hand_computed_gaussian_nll_of_the_sampled_decoding_plus_beta_times_the_closed_form_kl()
    {
        random.manual_seed(2);
        using var images = randn(4, 3, 32, 32);
        using var model = new AavaeModel(new AavaeConfig
        {
            WidthMultiplier = 0.125,
            Variant = Variant.Vae,
            Beta = 0.25,
        });
        model.train();
        using var scope = NewDisposeScope();
        using var lossNoise = new Generator(3);
        var loss = model.Loss(images, images, lossNoise);

        // The same step by hand: q(z|x) (batch statistics, so a second pass gives the same mu and log-variance),
        // z = mu + (exp(logvar / 2) + 1e-6) * eps with eps the generator's first draw, the decoding of z.
        var (muTensor, logVarTensor) = model.Encode(images);
        using var handNoise = new Generator(3);
        var eps = randn(muTensor.shape, generator: handNoise);
        var z = muTensor + ((logVarTensor / 2).exp() + 1e-6) * eps;
        var reconstruction = Floats(model.Decode(z));
        var target = Floats(images);
        var mu = Floats(muTensor);
        var logVar = Floats(logVarTensor);
        int n = 4, pixels = 3 * 32 * 32, latent = (int)muTensor.shape[1];
        double nll = 0, kl = 0;
        for (int i = 0; i < n * pixels; i++) // log scale 0: sigma = 1
            nll += 0.5 * Math.Pow(target[i] - reconstruction[i], 2) + 0.5 * Math.Log(2 * Math.PI);
        for (int j = 0; j < n * latent; j++)
            kl += 0.5 * (mu[j] * mu[j] + Math.Exp(logVar[j]) - 1 - logVar[j]);
        nll /= n;
        kl /= n;

        Assert.True(kl > 0.01, $"KL {kl}: the test needs a non-zero KL term");
        AssertRelative(nll, loss.Reconstruction.item<float>(), 1e-4);
        AssertRelative(kl, loss.Kl.item<float>(), 1e-4);
        AssertRelative(nll + 0.25 * kl, loss.Total.item<float>(), 1e-4);
        // The KL term is small beside the NLL: pin beta on the difference too (float32 totals: ~1e-3 absolute).
        double betaTimesKl = loss.Total.item<float>() - loss.Reconstruction.item<float>();
        Assert.True(Math.Abs(betaTimesKl - 0.25 * kl) <= 0.01,
            $"total - reconstruction = {betaTimesKl}, 0.25 KL = {0.25 * kl}");
    }

    private static float[] Floats(Tensor tensor) => tensor.detach().contiguous().data<float>().ToArray();

    private static void AssertRelative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected),
            $"expected {expected}, got {actual} (relative tolerance {tolerance})");
}
