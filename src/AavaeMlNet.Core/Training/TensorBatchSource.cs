using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>Batches from images already held in one (N, C, H, W) Float32 tensor in [0, 1].</summary>
public sealed class TensorBatchSource : IImageBatchSource, IDisposable
{
    private readonly Tensor images;

    /// <param name="images">(N, C, H, W) Float32 in [0, 1]; the source keeps its own reference.</param>
    public TensorBatchSource(Tensor images)
    {
        if (images.dim() != 4)
            throw new ArgumentException(
                $"Expected images of shape (N, C, H, W), got ({string.Join(", ", images.shape)}).", nameof(images));
        if (images.dtype != ScalarType.Float32)
            throw new ArgumentException($"Expected Float32 images, got {images.dtype}.", nameof(images));
        this.images = images.alias().DetachFromDisposeScope();
    }

    public long Count => images.shape[0];

    public (int Channels, int Height, int Width) ImageShape =>
        ((int)images.shape[1], (int)images.shape[2], (int)images.shape[3]);

    public IEnumerable<Tensor> Batches(int epoch, int batchSize, long seed, int skipBatches,
        CancellationToken cancellationToken)
    {
        foreach (var batch in EpochOrder.Batches((int)Count, seed, epoch, batchSize, skipBatches))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var index = tensor(batch.Select(i => (long)i).ToArray());
            yield return images.index_select(0, index);
        }
    }

    public DataFingerprint Fingerprint => DataFingerprint.Of(Count, ImageShape,
        Enumerable.Range(0, (int)Math.Min(Count, DataFingerprint.SampledImages))
            .Select(i => (ReadOnlyMemory<float>)images[i].data<float>().ToArray()));

    public void Dispose() => images.Dispose();
}
