using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Model;

public class GaussianLikelihoodTests
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    [Fact]
    public void Fixed_log_scale_zero_gives_half_squared_error_plus_constant_summed_over_pixels()
    {
        using var likelihood = new GaussianLikelihood(0, learned: false);
        using var reconstruction = zeros(2, 3, 2, 2);
        using var target = ones(2, 3, 2, 2);
        target[1].mul_(3); // second example: error 3 per pixel
        using var nll = likelihood.forward(reconstruction, target);
        var values = nll.data<float>().ToArray();
        Assert.Equal(12 * (0.5 * 1 + HalfLogTwoPi), values[0], 4);
        Assert.Equal(12 * (0.5 * 9 + HalfLogTwoPi), values[1], 4);
    }

    [Fact]
    public void Log_scale_is_a_log_variance()
    {
        double logVariance = Math.Log(4); // sigma = 2
        using var likelihood = new GaussianLikelihood(logVariance, learned: false);
        using var reconstruction = zeros(1, 1, 1, 1);
        using var target = full(1, 1, 1, 1, 2.0f);
        double expected = 0.5 * 4 / 4 + 0.5 * logVariance + HalfLogTwoPi; // -log N(2 | 0, 4)
        Assert.Equal(expected, likelihood.forward(reconstruction, target).item<float>(), 5);
    }

    [Fact]
    public void Learned_log_scale_receives_a_gradient_and_fixed_one_does_not()
    {
        using var learned = new GaussianLikelihood(0, learned: true);
        using var fixedScale = new GaussianLikelihood(0, learned: false);
        Assert.True(learned.Learned);
        Assert.False(fixedScale.Learned);
        using var reconstruction = zeros(1, 1, 2, 2);
        using var target = full(1, 1, 2, 2, 2.0f);
        using var loss = learned.forward(reconstruction, target).sum();
        loss.backward();
        var gradient = learned.parameters().Single().grad!.item<float>();
        // d/ds [0.5 e^-s d^2 + 0.5 s] at s = 0, d = 2, four pixels: 4 * (-0.5 * 4 + 0.5) = -6
        Assert.Equal(-6.0, gradient, 4);
    }
}
