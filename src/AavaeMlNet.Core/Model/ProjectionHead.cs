using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// Maps backbone features to the parameters of q(z|x): Linear(h, h) -> BatchNorm1d(h) -> ReLU, then two bias-free
/// Linear(h, latent) heads for mu and the log-variance (reference implementation).
/// Shape: (N, h) -> ((N, latent), (N, latent)).
/// </summary>
public sealed class ProjectionHead : Module<Tensor, (Tensor Mu, Tensor LogVar)>
{
    private readonly Linear fc;
    private readonly BatchNorm1d bn;
    private readonly Linear mu;
    private readonly Linear logvar;

    public ProjectionHead(int featureDim, int latentDim) : base(nameof(ProjectionHead))
    {
        fc = Linear(featureDim, featureDim);
        bn = BatchNorm1d(featureDim);
        mu = Linear(featureDim, latentDim, hasBias: false);
        logvar = Linear(featureDim, latentDim, hasBias: false);
        RegisterComponents();
    }

    /// <summary>The hidden layer, Linear(h, h), before <see cref="Norm"/>.</summary>
    public Linear Fc => fc;

    /// <summary>The BatchNorm1d(h) after <see cref="Fc"/>.</summary>
    public BatchNorm1d Norm => bn;

    /// <summary>The bias-free Linear(h, latent) giving mu.</summary>
    public Linear Mu => mu;

    /// <summary>The bias-free Linear(h, latent) giving the log-variance.</summary>
    public Linear LogVar => logvar;

    public override (Tensor Mu, Tensor LogVar) forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var hidden = functional.relu(bn.forward(fc.forward(features)));
        return (mu.forward(hidden).MoveToOuterDisposeScope(), logvar.forward(hidden).MoveToOuterDisposeScope());
    }
}
