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

    [Fact]
    public void The_hue_rotation_equals_its_operator_formula_bit_for_bit()
    {
        var generator = new Generator(5);
        using var images = rand([6, 3, 8, 8], generator: generator);
        using var shift = rand([6, 1, 1, 1], generator: generator).sub(0.5);
        AssertBitEqual(HueByOperators(images, shift), ColorOps.AdjustHue(images, shift));
    }

    // ColorOps.AdjustHue as it was written with TorchSharp's operators (temporary Scalars).
    private static Tensor HueByOperators(Tensor images, Tensor shift)
    {
        var rgb = images.unbind(1);
        Tensor r = rgb[0].unsqueeze(1), g = rgb[1].unsqueeze(1), b = rgb[2].unsqueeze(1);
        var maxc = images.amax([1L], keepdim: true);
        var minc = images.amin([1L], keepdim: true);
        var equal = maxc.eq(minc);
        var chroma = maxc - minc;
        var ones = ones_like(maxc);
        var s = chroma / where(equal, ones, maxc);
        var divisor = where(equal, ones, chroma);
        Tensor rc = (maxc - r) / divisor, gc = (maxc - g) / divisor, bc = (maxc - b) / divisor;
        var isR = maxc.eq(r);
        var isG = maxc.eq(g).logical_and(isR.logical_not());
        var isB = isR.logical_or(isG).logical_not();
        var h = where(isR, bc - gc, zeros_like(maxc)) + where(isG, 2.0f + rc - bc, zeros_like(maxc))
            + where(isB, 4.0f + gc - rc, zeros_like(maxc));
        h = ((h / 6.0f + 1.0f).remainder(1.0) + shift).remainder(1.0);
        var v = maxc;
        var i = (h * 6.0f).floor();
        var f = h * 6.0f - i;
        var sector = i.to(ScalarType.Int64).remainder(6).unsqueeze(1);
        var p = (v * (1 - s)).clamp(0, 1);
        var q = (v * (1 - s * f)).clamp(0, 1);
        var t = (v * (1 - s * (1 - f))).clamp(0, 1);
        return cat([stack([v, q, p, p, t, v], 1).gather(1, sector).squeeze(1),
            stack([t, v, v, q, p, p], 1).gather(1, sector).squeeze(1),
            stack([p, p, t, v, v, q], 1).gather(1, sector).squeeze(1)], 1);
    }

    private static void AssertBitEqual(Tensor expected, Tensor actual) =>
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
}
