using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Model;

/// <summary>
/// The AAVAE network (paper Sec. 3): ResNet encoder, projection head giving q(z|x), reparameterized sampling,
/// inverted-ResNet decoder and Gaussian likelihood. The four models of Table 1 are settings of this one class
/// (<see cref="AavaeConfig.Variant"/>).
/// </summary>
public sealed class AavaeModel : Module<Tensor, Tensor>
{
    private readonly ResNetEncoder encoder;
    private readonly ProjectionHead projection;
    private readonly ResNetDecoder decoder;
    private readonly GaussianLikelihood likelihood;

    // The floor added to the standard deviation of z when sampling, held (see HeldScalars).
    private static readonly Scalar SmallestStd = 1e-6.ToScalar();

    public AavaeModel(AavaeConfig config) : base(nameof(AavaeModel))
    {
        config.Validate();
        Config = config;
        encoder = new ResNetEncoder(config, Compute);
        projection = new ProjectionHead(encoder.FeatureDim, config.LatentDim, Compute);
        decoder = new ResNetDecoder(config, Compute);
        likelihood = new GaussianLikelihood(config.LogScale, config.LearnLogScale);
        RegisterComponents();
    }

    /// <summary>The architecture and objective this model was built with.</summary>
    public AavaeConfig Config { get; }

    /// <summary>
    /// How the convolutions and linear layers compute (fp32 or bf16 mixed, memory layout), shared by every layer.
    /// Parameters, buffers and every output of this class stay fp32 whatever it says.
    /// </summary>
    public ComputeFormat Compute { get; } = new();

    /// <summary>
    /// The backbone; its <see cref="ResNetEncoder.Embed"/> (pooled h, then the grid) is the representation evaluated by
    /// linear probes, its forward the pooled h alone that the projection head reads.
    /// </summary>
    public ResNetEncoder Encoder => encoder;

    /// <summary>The likelihood, whose log scale may be learned.</summary>
    public GaussianLikelihood Likelihood => likelihood;

    /// <summary>
    /// The projection head that maps backbone features to q(z|x) (what the ONNX mu output goes through).
    /// </summary>
    public ProjectionHead Projection => projection;

    /// <summary>The decoder p(x|z).</summary>
    public ResNetDecoder Decoder => decoder;

    /// <summary>
    /// The representation: the backbone features h of the paper's evaluation protocol, then this library's grid of
    /// <see cref="AavaeConfig.EmbeddingGrid"/> (none when it is 0).
    /// Shape: (N, C, H, W) -> (N, <see cref="AavaeConfig.EmbeddingDim"/>).
    /// </summary>
    public override Tensor forward(Tensor images) => encoder.Embed(images);

    /// <summary>Parameters of q(z|x). Shape: (N, C, H, W) -> ((N, latent), (N, latent)).</summary>
    public (Tensor Mu, Tensor LogVar) Encode(Tensor images)
    {
        using var scope = NewDisposeScope();
        // call, not forward: a forward pre-hook on the encoder (the tests' window on what it received) then runs.
        var (mu, logVar) = projection.forward(encoder.call(images));
        return (mu.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }

    /// <summary>Decodes latents to normalized images. Shape: (N, latent) -> (N, C, H, W).</summary>
    public Tensor Decode(Tensor z) => decoder.forward(z);

    /// <summary>
    /// z = mu + std * eps with std = exp(logvar / 2) + 1e-6 (reference implementation), one sample; eps is drawn
    /// from <paramref name="generator"/> so that training is reproducible.
    /// </summary>
    public static Tensor Sample(Tensor mu, Tensor logVar, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var std = logVar.div(HeldScalars.Two).exp().Plus(SmallestStd);
        var eps = randn(mu.shape, dtype: mu.dtype, device: mu.device, generator: generator);
        return mu.Plus(std * eps).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The objective of paper Eq. 3 for one batch: encode <paramref name="encoderInput"/> (the augmented view for
    /// AAAE/AAVAE, the original for AE/VAE), sample z (VAE/AAVAE) or take z = mu (AE/AAAE), decode, and score the
    /// reconstruction against <paramref name="target"/>, the normalized ORIGINAL image.
    /// </summary>
    public AavaeLoss Loss(Tensor encoderInput, Tensor target, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var (mu, logVar) = Encode(encoderInput);
        var z = Config.Variant.SamplesLatent() && training ? Sample(mu, logVar, generator) : mu;
        var reconstruction = decoder.forward(z);
        var nll = likelihood.call(reconstruction, target).mean();
        var kl = KlDivergence.ToStandardNormal(mu, logVar).mean();
        double beta = Config.EffectiveBeta;
        // With beta = 0 the KL term stays out of the graph: 0 * inf would turn a diverging KL into NaN.
        using var betaScalar = beta.ToScalar(); // held until the sum below has run (see HeldScalars)
        var total = beta == 0 ? nll.alias() : nll.Plus(kl.mul(betaScalar));
        var meanLogVar = logVar.detach().mean();
        return new AavaeLoss(total.MoveToOuterDisposeScope(), nll.MoveToOuterDisposeScope(),
            kl.MoveToOuterDisposeScope(), meanLogVar.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Reconstructions of <paramref name="images"/> through z = mu. Shape: (N, C, H, W) -> (N, C, H, W).
    /// </summary>
    public Tensor Reconstruct(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (mu, _) = Encode(images);
        return decoder.forward(mu).MoveToOuterDisposeScope();
    }
}
