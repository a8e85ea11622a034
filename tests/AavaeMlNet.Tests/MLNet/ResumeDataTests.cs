using AavaeMlNet.MLNet;
using AavaeMlNet.Training;
using Microsoft.ML;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;
using static TorchSharp.torch;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>The estimator's resume on the data its checkpoint was written for, and on other data.</summary>
public class ResumeDataTests
{
    [Fact]
    public void Cached_streamed_and_tensor_sources_of_the_same_images_have_one_fingerprint()
    {
        var ml = new MLContext(1);
        var view = Load(ml, 40);
        var cached = new DataViewBatchSource(view, "Image", (1, Side, Side), cacheBudgetBytes: 1 << 20);
        var streamed = new DataViewBatchSource(view, "Image", (1, Side, Side), cacheBudgetBytes: 0);
        using var images = tensor(Rows(40, 1).SelectMany(r => r.Image).ToArray()).view(40, 1, Side, Side);
        using var held = new TensorBatchSource(images);

        Assert.True(cached.IsCached);
        Assert.False(streamed.IsCached);
        Assert.Equal(held.Fingerprint, cached.Fingerprint);
        Assert.Equal(held.Fingerprint, streamed.Fingerprint);
        Assert.NotEqual(held.Fingerprint, new DataViewBatchSource(Load(ml, 40, seed: 2), "Image", (1, Side, Side),
            cacheBudgetBytes: 0).Fingerprint);
    }

    [Fact]
    public void ResumeFrom_on_other_rows_is_refused_unless_ResumeOnOtherData_and_then_logged_as_a_warning()
    {
        var ml = new MLContext(1);
        string directory = TempDirectory();
        var first = TinyOptions(epochs: 1);
        first.CheckpointDirectory = directory;
        ml.Transforms.PretrainAavae(first).Fit(Load(ml, 64)).Dispose();
        string checkpoint = Path.Combine(directory, Checkpoint.LatestFileName);

        var refused = TinyOptions(epochs: 2);
        refused.ResumeFrom = checkpoint;
        var error = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.PretrainAavae(refused).Fit(Load(ml, 96)));
        var allowed = TinyOptions(epochs: 2);
        allowed.ResumeFrom = checkpoint;
        allowed.ResumeOnOtherData = true;
        var log = new List<string>();
        allowed.Log = log.Add;
        using var resumed = ml.Transforms.PretrainAavae(allowed).Fit(Load(ml, 96, seed: 3));

        // The first 64 of Load(96) are the 64 images of the run: only the count differs.
        Assert.Contains("was written for other training data: 96 images where the checkpoint's run had 64. Resume",
            error.Message);
        Assert.Contains(log, line => line.StartsWith("Warning: Continuing the run of checkpoint",
            StringComparison.Ordinal));
        Assert.Equal(96, Checkpoint.ReadHeader(checkpoint).Data!.Count);
    }
}
