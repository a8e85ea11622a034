namespace AavaeMlNet.Evaluation.Probes;

/// <summary>The ML.NET trainer that <see cref="LinearProbe"/> fits on frozen embeddings.</summary>
public enum ProbeTrainer
{
    /// <summary>Multinomial logistic regression by L-BFGS (deterministic; the default linear probe).</summary>
    LbfgsMaximumEntropy,
    /// <summary>Multinomial logistic regression by stochastic dual coordinate ascent.</summary>
    SdcaMaximumEntropy,
    /// <summary>
    /// One-versus-all over boosted FastTree binary classifiers: NOT linear, a reference for how much a non-linear
    /// read-out adds on top of the linear probe.
    /// </summary>
    FastTreeOneVersusAll,
}
