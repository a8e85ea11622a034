using AavaeMlNet.Augmentations;
using AavaeMlNet.MLNet;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using Microsoft.ML;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;
using static TorchSharp.torch;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>
/// Training without the in-memory cache (the streaming shuffle pool), seen row by row: each row carries its id in its
/// first pixel, and a forward pre-hook on the likelihood reads the ids of every batch the trainer scores.
/// </summary>
public class StreamingTests
{
    private const int Rows = 50; // batch 8: six full batches and one of 2, so no row is dropped
    private const int Epochs = 2;

    [Fact]
    public void Streaming_without_cache_trains_on_every_row_exactly_once_per_epoch()
    {
        var ml = new MLContext(1);
        var options = StreamingOptions();
        var seen = new RowCounter(Epochs, Rows);
        seen.Attach(options);

        using var transformer = ml.Transforms.PretrainAavae(options).Fit(IdentifiedRows(ml));

        seen.AssertEachRowOncePerEpoch();
    }

    [Fact]
    public void Streaming_cancelled_mid_epoch_resumes_to_bit_equal_weights_with_every_row_once_per_epoch()
    {
        var ml = new MLContext(1);
        var data = IdentifiedRows(ml);
        var straightOptions = StreamingOptions();
        var straightRows = new RowCounter(Epochs, Rows);
        straightRows.Attach(straightOptions);
        using var straight = ml.Transforms.PretrainAavae(straightOptions).Fit(data);

        string directory = TempDirectory();
        using var cancellation = new CancellationTokenSource();
        var interruptedOptions = StreamingOptions();
        interruptedOptions.CheckpointDirectory = directory;
        interruptedOptions.CancellationToken = cancellation.Token;
        interruptedOptions.Progress = p =>
        {
            if (p is { Epoch: 1, StepInEpoch: 3, IsEpochEnd: false }) cancellation.Cancel();
        };
        var splitRows = new RowCounter(Epochs, Rows);
        splitRows.Attach(interruptedOptions);
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.PretrainAavae(interruptedOptions).Fit(data));
        string checkpoint = Path.Combine(directory, Checkpoint.LatestFileName);
        var header = Checkpoint.ReadHeader(checkpoint);
        Assert.Equal((1, 3, 10L), (header.Epoch, header.StepInEpoch, header.Step)); // 7 steps per epoch

        var resumeOptions = StreamingOptions();
        resumeOptions.ResumeFrom = checkpoint;
        splitRows.Attach(resumeOptions, firstEpoch: 1);
        using var resumed = ml.Transforms.PretrainAavae(resumeOptions).Fit(data);

        straightRows.AssertEachRowOncePerEpoch();
        splitRows.AssertEachRowOncePerEpoch();
        AssertSameWeights(straight.Model, resumed.Model);
    }

    private static AavaeEstimator.Options StreamingOptions()
    {
        var options = TinyOptions(Epochs);
        options.CacheInMemory = false;
        options.ShufflePoolSize = 16;
        options.BatchSize = 8;
        options.ProgressEverySteps = 1;
        options.Augmentation = AugmentationOptions.Grayscale with { Normalization = new([0.5f], [0.25f]) };
        return options;
    }

    // Row i's first pixel is i / 64 (exact in float32; the other pixels are the synthetic image's).
    private static IDataView IdentifiedRows(MLContext ml)
    {
        var rows = SyntheticImages.Rows(Rows, seed: 1);
        for (int i = 0; i < rows.Count; i++) rows[i].Image[0] = i / 64f;
        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>Counts, per epoch, how often each row id reaches the likelihood as a reconstruction target.</summary>
    private sealed class RowCounter(int epochs, int rows)
    {
        private readonly int[,] counts = new int[epochs, rows];
        private int epoch;

        public void Attach(AavaeEstimator.Options options, int firstEpoch = 0)
        {
            epoch = firstEpoch;
            options.EpochCompleted = completed => epoch = completed.Epoch + 1;
            options.ModelReady = model => model.Likelihood.register_forward_pre_hook((_, _, target) =>
            {
                // The target is the normalized original: x = t * 0.25 + 0.5, and the id is 64 x of pixel 0.
                using var scope = NewDisposeScope();
                var first = target.detach().to(CPU)[.., 0, 0, 0].contiguous().data<float>().ToArray();
                foreach (float t in first) counts[epoch, (int)Math.Round((t * 0.25f + 0.5f) * 64)]++;
                return null;
            });
        }

        public void AssertEachRowOncePerEpoch()
        {
            for (int e = 0; e < epochs; e++)
                for (int row = 0; row < rows; row++)
                    Assert.True(counts[e, row] == 1, $"epoch {e}: row {row} was trained on {counts[e, row]} time(s)");
        }
    }
}
