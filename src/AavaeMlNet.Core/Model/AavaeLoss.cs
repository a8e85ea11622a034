using static TorchSharp.torch;

namespace AavaeMlNet.Model;

/// <summary>
/// The batch-mean terms of the objective: Total = Reconstruction + beta * Kl. Each is a scalar tensor owned by the
/// caller's dispose scope.
/// </summary>
/// <param name="Total">The loss that is minimized.</param>
/// <param name="Reconstruction">-log p(x | z) per example (summed over pixels), averaged over the batch.</param>
/// <param name="Kl">KL(q(z|x+) || N(0, I)) per example, averaged over the batch (reported even when beta = 0).</param>
/// <param name="LogVariance">
/// Mean log-variance of q(z|x+) over the batch and the latent dimensions: a collapse towards -inf means the latent
/// noise vanished and AAVAE trains as AAAE.
/// </param>
public sealed record AavaeLoss(Tensor Total, Tensor Reconstruction, Tensor Kl, Tensor LogVariance);
