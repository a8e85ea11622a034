namespace AavaeMlNet.Model;

/// <summary>
/// The four models of the paper's Table 1, as settings of one network (encoder input, sampling, KL weight).
/// </summary>
public enum Variant
{
    /// <summary>Autoencoder: original in, original out, z = mu, no KL.</summary>
    Ae,
    /// <summary>VAE: original in, original out, sampled z, KL weight beta (reference default 0.1).</summary>
    Vae,
    /// <summary>
    /// Augmentation-augmented AE: augmented view in, ORIGINAL out (the paper's definition; the public code
    /// reconstructs the augmented view instead), z = mu, no KL.
    /// </summary>
    Aaae,
    /// <summary>AAVAE (paper Eq. 3): augmented view in, original out, sampled z, KL weight 0.</summary>
    Aavae,
}

/// <summary>What each <see cref="Variant"/> means for the forward pass.</summary>
public static class VariantBehaviour
{
    /// <summary>True when the encoder sees an augmented view x+ ~ A(x) rather than x.</summary>
    public static bool AugmentsInput(this Variant variant) => variant is Variant.Aaae or Variant.Aavae;

    /// <summary>True when z is sampled with the reparameterization trick; false when z = mu.</summary>
    public static bool SamplesLatent(this Variant variant) => variant is Variant.Vae or Variant.Aavae;

    /// <summary>The KL weight used when none is given: 0.1 for the VAE (reference default), 0 otherwise.</summary>
    public static double DefaultBeta(this Variant variant) => variant == Variant.Vae ? 0.1 : 0.0;
}
