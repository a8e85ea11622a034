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
    private readonly ComputeFormat compute;

    /// <param name="featureDim">Size h of the backbone features.</param>
    /// <param name="latentDim">Size of z.</param>
    /// <param name="compute">How the linear layers compute; shared with the rest of the model. Null: fp32.</param>
    public ProjectionHead(int featureDim, int latentDim, ComputeFormat? compute = null) : base(nameof(ProjectionHead))
    {
        this.compute = compute ?? new ComputeFormat();
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
        var hidden = functional.relu(bn.forward(compute.Linear(fc, features)));
        var mean = ComputeFormat.ToFloat32(compute.Linear(mu, hidden));
        var logVariance = ComputeFormat.ToFloat32(compute.Linear(logvar, hidden));
        return (mean.MoveToOuterDisposeScope(), logVariance.MoveToOuterDisposeScope());
    }
}
