using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Model;

public class KlDivergenceTests
{
    [Fact]
    public void Matches_the_closed_form_for_a_diagonal_gaussian()
    {
        using var mu = tensor(new float[] { 1, 2, 0, 0 }).view(2, 2);
        using var logVar = tensor(new float[] { 0, (float)Math.Log(2), 0, 0 }).view(2, 2);
        var kl = KlDivergence.ToStandardNormal(mu, logVar).data<float>().ToArray();
        // 0.5 * sum(mu^2 + var - 1 - log var)
        double expected = 0.5 * ((1 + 1 - 1 - 0) + (4 + 2 - 1 - Math.Log(2)));
        Assert.Equal(expected, kl[0], 5);
        Assert.Equal(0.0, kl[1], 6); // q = N(0, I) has no divergence
    }
}
