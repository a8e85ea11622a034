using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>
/// The method's wiring (paper Eq. 3, Table 1): what the encoder receives and what the likelihood scores the
/// reconstruction against, observed through forward pre-hooks on the trainer's own encoder and likelihood during one
/// real training step.
/// </summary>
public class WiringTests
{
    [Theory]
    [InlineData(Variant.Ae)]
    [InlineData(Variant.Vae)]
    [InlineData(Variant.Aaae)]
    [InlineData(Variant.Aavae)]
    public void The_encoder_sees_the_view_of_its_variant_and_the_likelihood_the_normalized_original(Variant variant)
    {
        using var images = Squares(8, seed: 3);
        using var data = new TensorBatchSource(images);
        var recording = new RecordingSource(data);
        var options = Options(null, epochs: 1); // 8 images, batch 8: one step
        using var trainer = new AavaeTrainer(TinyConfig(variant), Augmentation, options);
        var encoderInputs = new List<float[]>();
        var likelihoodTargets = new List<float[]>();
        trainer.Model.Encoder.register_forward_pre_hook((_, input) =>
        {
            encoderInputs.Add(Values(input));
            return null!;
        });
        trainer.Model.Likelihood.register_forward_pre_hook((_, _, target) =>
        {
            likelihoodTargets.Add(Values(target));
            return null;
        });

        trainer.Fit(recording);

        Assert.Equal(1, trainer.Step);
        var batch = Assert.Single(recording.Batches);
        var target = Assert.Single(likelihoodTargets);
        var encoderInput = Assert.Single(encoderInputs);
        // The normalized original, by hand: (x - 0.5) / 0.25 (the fixture's normalization).
        var normalized = batch.Select(x => (x - 0.5f) / 0.25f).ToArray();
        AssertClose(normalized, target, 1e-6f);
        if (variant.AugmentsInput())
        {
            // The view the trainer's generator draws first: the same seed, a fresh generator, the same batch.
            using var generator = new Generator((ulong)options.Seed);
            using var batchTensor = tensor(batch, [8, 1, 16, 16]);
            using var view = new SimClrAugmentation(Augmentation).View(batchTensor, generator);
            Assert.Equal(Values(view), encoderInput);
            Assert.True(MaxDifference(encoderInput, target) > 0.5f, "the augmented view equals the original");
        }
        else
        {
            Assert.Equal(target, encoderInput);
        }
    }

    private static float[] Values(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().to(CPU).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = MaxDifference(expected, actual);
        Assert.True(worst <= tolerance, $"max difference {worst} > {tolerance}");
    }

    /// <summary>Passes the batches through and keeps a copy of each one's pixels.</summary>
    private sealed class RecordingSource(IImageBatchSource inner) : IImageBatchSource
    {
        public List<float[]> Batches { get; } = [];
        public long Count => inner.Count;
        public (int Channels, int Height, int Width) ImageShape => inner.ImageShape;

        IEnumerable<Tensor> IImageBatchSource.Batches(int epoch, int batchSize, long seed, int skipBatches,
            CancellationToken cancellationToken)
        {
            foreach (var batch in inner.Batches(epoch, batchSize, seed, skipBatches, cancellationToken))
            {
                Batches.Add(Values(batch));
                yield return batch;
            }
        }
    }
}
