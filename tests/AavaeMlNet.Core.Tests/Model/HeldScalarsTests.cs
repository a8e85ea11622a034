using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Model;

/// <summary>
/// The step's arithmetic on held Scalars gives what TorchSharp's operators with temporary Scalars give, bit for bit:
/// the change that keeps a collected Scalar from reaching libtorch changes no result.
/// </summary>
public class HeldScalarsTests
{
    [Fact]
    public void Held_scalar_arithmetic_equals_the_operators_bit_for_bit()
    {
        var generator = new Generator(7);
        using var a = randn([64, 32], generator: generator);
        using var b = randn([64, 32], generator: generator);
        using var f = rand([64, 1], generator: generator);

        AssertBitEqual(a + b, a.Plus(b));
        AssertBitEqual(a + 1e-6, a.Plus(1e-6.ToScalar()));
        AssertBitEqual(1 - f, f.OneMinus());
        AssertBitEqual(a.clamp(0, 1), a.ClampToPixels());
        AssertBitEqual(a / 2, a.div(HeldScalars.Two));
        AssertBitEqual(0.5 * a, a.mul(HeldScalars.Half));
    }

    [Fact]
    public void The_loss_terms_and_colour_ops_equal_their_operator_formulas_bit_for_bit()
    {
        var generator = new Generator(11);
        using var mu = randn([16, 8], generator: generator);
        using var logVar = randn([16, 8], generator: generator);
        AssertBitEqual((0.5 * (mu.square() + logVar.exp() - 1 - logVar).sum(1)),
            KlDivergence.ToStandardNormal(mu, logVar));

        using var images = rand([4, 3, 8, 8], generator: generator);
        using var factor = rand([4, 1, 1, 1], generator: generator).mul(2);
        AssertBitEqual((images * factor).clamp(0, 1), ColorOps.AdjustBrightness(images, factor));
        var channels = images.unbind(1);
        AssertBitEqual((0.2989f * channels[0] + 0.587f * channels[1] + 0.114f * channels[2]).unsqueeze(1),
            ColorOps.Grayscale(images));
        using var mean = ColorOps.Grayscale(images).mean([1L, 2L, 3L], keepdim: true);
        AssertBitEqual((factor * images + (1 - factor) * mean).clamp(0, 1), ColorOps.AdjustContrast(images, factor));

        using var likelihood = new GaussianLikelihood(initialLogScale: -0.3, learned: false);
        using var reconstruction = randn([4, 3, 8, 8], generator: generator);
        using var logScale = tensor(new[] { -0.3f });
        var expected = (0.5 * (images - reconstruction).square() * exp(-logScale) + 0.5 * logScale
                        + 0.5 * Math.Log(2 * Math.PI)).flatten(1).sum(1);
        AssertBitEqual(expected, likelihood.call(reconstruction, images));

        // Sampling z: the same draws give the same z.
        var expectedZ = mu + ((logVar / 2).exp() + 1e-6) * randn(mu.shape, generator: new Generator(3));
        AssertBitEqual(expectedZ, AavaeModel.Sample(mu, logVar, new Generator(3)));
    }

    private static void AssertBitEqual(Tensor expected, Tensor actual) =>
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
}
