namespace AavaeMlNet.MLNet;

/// <summary>Which vector the transformer emits as the embedding.</summary>
public enum Representation
{
    /// <summary>
    /// The backbone's embedding (before the projection head): the pooled features h, the paper's evaluation protocol,
    /// followed by the region averages of the model's <see cref="AavaeMlNet.Model.AavaeConfig.EmbeddingGrid"/> when
    /// it has one (<see cref="AavaeMlNet.Model.AavaeConfig.EmbeddingDim"/> values in all).
    /// </summary>
    Backbone,
    /// <summary>The posterior mean mu of q(z|x) (latent size).</summary>
    Mu,
}
