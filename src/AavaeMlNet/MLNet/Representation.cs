namespace AavaeMlNet.MLNet;

/// <summary>Which vector the transformer emits as the embedding.</summary>
public enum Representation
{
    /// <summary>The pooled backbone features h (before the projection head): the paper's evaluation protocol.</summary>
    Backbone,
    /// <summary>The posterior mean mu of q(z|x) (latent size).</summary>
    Mu,
}
