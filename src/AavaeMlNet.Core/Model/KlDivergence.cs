using static TorchSharp.torch;

namespace AavaeMlNet.Model;

/// <summary>KL(q(z|x) || N(0, I)) for a diagonal Gaussian q, in closed form.</summary>
public static class KlDivergence
{
    /// <summary>
    /// 0.5 * sum_j (mu_j^2 + exp(logvar_j) - 1 - logvar_j) per example. Shapes: (N, latent), (N, latent) -> (N).
    /// </summary>
    public static Tensor ToStandardNormal(Tensor mu, Tensor logVar)
    {
        using var scope = NewDisposeScope();
        return mu.square().Plus(logVar.exp()).sub(HeldScalars.One).sub(logVar).sum(1).mul(HeldScalars.Half)
            .MoveToOuterDisposeScope();
    }
}
