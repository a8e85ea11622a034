using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// Per-pixel Gaussian likelihood p(x | z) = N(x | x_hat, sigma^2) on the normalized image, summed over C, H, W
/// (paper Eq. 3). The "log scale" is a log-VARIANCE: sigma = exp(log_scale / 2). It is fixed at 0 by default
/// (sigma = 1: the loss is half the sum of squared errors plus a constant) or learned (Fig. 2a).
/// </summary>
public sealed class GaussianLikelihood : Module<Tensor, Tensor, Tensor>
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private static readonly Scalar HalfLogTwoPiScalar = HalfLogTwoPi.ToScalar();

    private readonly Parameter log_scale;

    public GaussianLikelihood(double initialLogScale, bool learned) : base(nameof(GaussianLikelihood))
    {
        log_scale = Parameter(tensor(new[] { (float)initialLogScale }), requires_grad: learned);
        RegisterComponents();
    }

    /// <summary>Current log-variance of the likelihood.</summary>
    public double LogScale => log_scale.item<float>();

    /// <summary>Whether the log scale is trained.</summary>
    public bool Learned => log_scale.requires_grad;

    /// <summary>Negative log-likelihood per example. Shapes: (N, C, H, W), (N, C, H, W) -> (N).</summary>
    public override Tensor forward(Tensor reconstruction, Tensor target)
    {
        using var scope = NewDisposeScope();
        var squared = (target - reconstruction).square();
        var perPixel = squared.mul(HeldScalars.Half).mul(torch.exp(-log_scale))
            .Plus(log_scale.mul(HeldScalars.Half)).Plus(HalfLogTwoPiScalar);
        return perPixel.flatten(1).sum(1).MoveToOuterDisposeScope();
    }
}
