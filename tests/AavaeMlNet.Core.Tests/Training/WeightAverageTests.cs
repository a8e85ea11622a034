using AavaeMlNet.Model;
using AavaeMlNet.Training;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Training;

public class WeightAverageTests
{
    [Fact]
    public void An_update_moves_the_average_by_one_minus_the_decay_warmed_up_over_the_first_steps()
    {
        using var model = new AavaeModel(TinyConfig());
        var live = WeightAverage.Averaged(model);
        using var average = new WeightAverage(model, decay: 0.9);
        float start = live[0].data<float>()[0];
        using (no_grad()) live[0].fill_(start + 1);
        // Step 0: d = min(0.9, 1 / 10) = 0.1, so the average moves 90 % of the way.
        average.Update(live, step: 0);
        average.Swap(model);
        Assert.Equal(start + 0.9f, live[0].data<float>()[0], 5);
        average.Swap(model);
        using (no_grad()) live[0].fill_(start + 2);
        // Step 1000: d = min(0.9, 1001 / 1010) = 0.9: 10 % of the way from start + 0.9 to start + 2.
        average.Update(live, step: 1000);
        average.Swap(model);
        Assert.Equal(start + 0.9f + 0.11f, live[0].data<float>()[0], 5);
    }

    [Fact]
    public void The_average_follows_the_encoders_parameters_and_batchnorm_statistics_but_not_step_counters()
    {
        using var model = new AavaeModel(TinyConfig());
        var followed = WeightAverage.Averaged(model);
        var encoder = model.Encoder;
        Assert.Equal(encoder.parameters().Count() + encoder.buffers().Count(b => b.dtype == ScalarType.Float32),
            followed.Count);
        Assert.All(followed, t => Assert.True(t.is_floating_point()));
        Assert.Contains(encoder.buffers(), b => !b.is_floating_point()); // num_batches_tracked stays out
    }

    [Fact]
    public void Swapping_twice_gives_the_model_back_its_own_weights()
    {
        using var model = new AavaeModel(TinyConfig());
        var before = Weights(model);
        using var average = new WeightAverage(model, decay: 0.5);
        var live = WeightAverage.Averaged(model);
        using (no_grad())
            foreach (var t in live) t.add_(1);
        var moved = Weights(model);
        average.Swap(model);
        var swapped = Weights(model);
        // Every averaged tensor (the encoder's) holds the average, the rest of the model its own weights.
        Assert.All(moved.Keys, name => Assert.Equal(
            name.StartsWith("encoder.", StringComparison.Ordinal) && !name.EndsWith("num_batches_tracked")
                ? before[name] : moved[name], swapped[name]));
        average.Swap(model);
        Assert.All(moved.Keys, name => Assert.Equal(moved[name], Weights(model)[name]));
    }

    [Fact]
    public void A_run_ends_with_the_moving_average_of_its_weights_computed_step_by_step()
    {
        const double decay = 0.8;
        string directory = TempDirectory();
        var options = Options(directory, epochs: 2) with { WeightAverageDecay = decay, LossSpikeFactor = null };
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options);
        Dictionary<string, double[]>? expected = null;
        void Follow(Dictionary<string, float[]> weights, long step)
        {
            if (expected is null)
            {
                expected = weights.ToDictionary(w => w.Key, w => w.Value.Select(v => (double)v).ToArray());
                return;
            }
            double d = Math.Min(decay, (1.0 + step) / (10.0 + step));
            foreach (var (name, values) in weights)
                for (int i = 0; i < values.Length; i++) expected[name][i] += (1 - d) * (values[i] - expected[name][i]);
        }
        trainer.BeforeStep = step => Follow(Weights(trainer.Model), step - 1);
        trainer.Fit(new TensorBatchSource(Squares(48)));
        // The last step's weights are in the run's checkpoint (it keeps them to resume from).
        var (last, _) = Checkpoint.LoadModel(Path.Combine(directory, Checkpoint.LatestFileName));
        var lastWeights = Weights(last);
        last.Dispose();
        Follow(lastWeights, trainer.Step - 1);

        var ended = Weights(trainer.Model);
        Assert.Equal(12, trainer.Step);
        foreach (var name in expected!.Keys.Where(n => !n.EndsWith("num_batches_tracked", StringComparison.Ordinal)))
        {
            // The encoder ends with the average, the projection head and decoder with the last step's weights.
            var want = name.StartsWith("encoder.", StringComparison.Ordinal)
                ? expected[name] : lastWeights[name].Select(v => (double)v).ToArray();
            for (int i = 0; i < ended[name].Length; i++)
                Assert.Equal(want[i], ended[name][i], 1e-5 * Math.Max(1, Math.Abs(want[i])));
        }
        Assert.NotEqual(lastWeights[FirstParameter(trainer.Model)], ended[FirstParameter(trainer.Model)]);
    }

    [Fact]
    public void A_resumed_run_with_a_weight_average_ends_bit_equal_to_an_uninterrupted_one() =>
        AssertResumeIsExact(new TensorBatchSource(Squares(48)),
            (directory, epochs) => Options(directory, epochs) with { WeightAverageDecay = 0.9 });

    [Fact]
    public void A_weights_only_checkpoint_of_an_averaged_run_loads_for_inference_and_refuses_to_resume()
    {
        string directory = TempDirectory();
        var options = Options(directory, epochs: 1) with { WeightAverageDecay = 0.9 };
        Dictionary<string, float[]> averaged;
        using (var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options))
        {
            trainer.Fit(new TensorBatchSource(Squares(16)));
            averaged = Weights(trainer.Model);
            var header = Checkpoint.ReadHeader(Path.Combine(directory, Checkpoint.LatestFileName));
            Checkpoint.Save(Path.Combine(directory, "weights-only.ckpt"), header, trainer.Model, optimizer: null,
                generators: []);
        }
        string weightsOnly = Path.Combine(directory, "weights-only.ckpt");
        var (model, _) = Checkpoint.LoadModel(weightsOnly); // inference reads the run's final (averaged) weights
        using (model) Assert.All(averaged.Keys, name => Assert.Equal(averaged[name], Weights(model)[name]));
        var error = Assert.Throws<InvalidDataException>(() => AavaeTrainer.Resume(weightsOnly, epochs: 2));
        Assert.Contains("holds no optimizer state", error.Message);
    }

    [Fact]
    public void A_loss_spike_rollback_puts_the_weight_average_back_with_the_weights()
    {
        // As LossSpikeGuardTests: 8 steps per epoch, copies at steps 99 and 200, the decoder broken before step 250.
        using var images = Squares(64);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation,
            Options(null, epochs: 33) with { WeightAverageDecay = 0.9 });
        List<float[]>? atCopy = null, afterRollback = null;
        List<float[]> Average() => [.. trainer.Average!.Tensors.Select(t => t.data<float>().ToArray())];
        trainer.BeforeStep = step =>
        {
            if (step == 200) atCopy = Average();
            if (step == 250) LossSpikeGuardTests.BreakDecoder(trainer);
            if (step == 251) afterRollback = Average();
        };
        trainer.Fit(new TensorBatchSource(images));

        Assert.Equal(250, Assert.Single(trainer.LossSpikes).Step);
        Assert.Equal(atCopy!.Count, afterRollback!.Count);
        for (int i = 0; i < atCopy.Count; i++) Assert.Equal(atCopy[i], afterRollback[i]);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_decay_outside_0_to_1_is_refused_by_name(double decay)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => (Options(null) with { WeightAverageDecay = decay }).Validate());
        Assert.Equal(nameof(TrainingOptions.WeightAverageDecay), error.ParamName);
    }

    private static string FirstParameter(AavaeModel model) => model.named_parameters().First().name;
}
