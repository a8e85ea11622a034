using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// Supplies training images in batches. Each epoch's order is a pure function of (seed, epoch), so a resumed run
/// sees exactly the batches an uninterrupted one would.
/// </summary>
public interface IImageBatchSource
{
    /// <summary>Number of images in one epoch.</summary>
    long Count { get; }

    /// <summary>Shape (C, H, W) of every image.</summary>
    (int Channels, int Height, int Width) ImageShape { get; }

    /// <summary>
    /// The batches of <paramref name="epoch"/> in order, skipping the first <paramref name="skipBatches"/>. Each batch
    /// is a Float32 tensor of shape (n, C, H, W) with values in [0, 1], owned by the caller.
    /// </summary>
    IEnumerable<Tensor> Batches(int epoch, int batchSize, long seed, int skipBatches,
        CancellationToken cancellationToken);

    /// <summary>
    /// The fingerprint a checkpoint records so that a resume on other data is caught (see
    /// <see cref="DataFingerprint"/>); null where the source cannot tell, and then no resume is checked.
    /// </summary>
    DataFingerprint? Fingerprint => null;
}
