using AavaeMlNet.Model;
using AavaeMlNet.Training;
using TorchSharp;
using static AavaeMlNet.Core.Tests.Training.TrainingFixtures;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.Model;

/// <summary>
/// bf16 mixed precision and the channels-last layout: same objective, fp32 state, no silent fallback.
/// </summary>
public class PrecisionTests
{
    // A CPU that runs oneDNN's bf16 kernels natively: lets these tests run bf16 on any machine.
    private static readonly CpuBf16Features Bf16Cpu = new("test CPU with AVX512_BF16", Avx512: true, NativeBf16: true);
    private static readonly CpuBf16Features Avx2Cpu = new("test CPU with AVX2 only", Avx512: false, NativeBf16: false);

    private static AavaeModel SeededModel(Precision precision, bool channelsLast)
    {
        var model = new AavaeModel(TinyConfig());
        using (var generator = new Generator(3)) WeightInitialization.Apply(model, generator);
        model.Compute.Precision = precision;
        model.Compute.ChannelsLast = channelsLast;
        model.train();
        return model;
    }

    private static double Loss(AavaeModel model, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var target = (images - 0.5) / 0.25;
        return model.Loss(target, target, generator).Total.item<float>();
    }

    private static void AssertSameLoss(Precision precision, bool channelsLast, double relativeTolerance)
    {
        using var images = Squares(16);
        using var reference = SeededModel(Precision.Float32, channelsLast: false);
        using var model = SeededModel(precision, channelsLast);
        double expected = Loss(reference, images), actual = Loss(model, images);
        Assert.True(Math.Abs(actual - expected) <= relativeTolerance * Math.Abs(expected),
            $"fp32 loss {expected}, {precision} (channels-last {channelsLast}) {actual}");
    }

    [Fact]
    public void Bf16_mixed_loss_matches_fp32_within_one_percent_and_every_output_is_fp32()
    {
        AssertSameLoss(Precision.BFloat16Mixed, channelsLast: true, relativeTolerance: 0.01);
        AssertSameLoss(Precision.BFloat16Mixed, channelsLast: false, relativeTolerance: 0.01);

        using var images = Squares(16);
        using var bf16 = SeededModel(Precision.BFloat16Mixed, channelsLast: true);
        using var scope = NewDisposeScope();
        var target = (images - 0.5) / 0.25;
        var (mu, logVar) = bf16.Encode(target);
        Assert.Equal(ScalarType.Float32, bf16.forward(target).dtype);
        Assert.Equal(ScalarType.Float32, mu.dtype);
        Assert.Equal(ScalarType.Float32, logVar.dtype);
        var reconstruction = bf16.Reconstruct(target);
        Assert.Equal(ScalarType.Float32, reconstruction.dtype);
        Assert.True(reconstruction.is_contiguous());
    }

    [Fact]
    public void Channels_last_fp32_computes_the_same_loss_as_the_standard_layout() =>
        AssertSameLoss(Precision.Float32, channelsLast: true, relativeTolerance: 1e-4);

    [Fact]
    public void Bf16_mixed_gradients_reach_every_trainable_parameter_in_fp32()
    {
        using var images = Squares(16);
        using var model = SeededModel(Precision.BFloat16Mixed, channelsLast: true);
        using (var scope = NewDisposeScope())
        {
            using var generator = new Generator(11);
            var target = (images - 0.5) / 0.25;
            model.Loss(target, target, generator).Total.backward();
        }
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        Assert.NotEmpty(trainable);
        foreach (var (name, parameter) in trainable)
        {
            Assert.Equal(ScalarType.Float32, parameter.dtype);
            var grad = parameter.grad;
            Assert.True(grad is not null, $"{name} received no gradient");
            Assert.Equal(ScalarType.Float32, grad!.dtype);
            Assert.True(grad.abs().sum().item<float>() > 0, $"{name} received an all-zero gradient");
        }
    }

    [Fact]
    public void Bf16_training_keeps_weights_batchnorm_statistics_and_adam_state_in_fp32()
    {
        using var images = Squares(24);
        using var data = new TensorBatchSource(images);
        var options = Options(null, epochs: 1) with { Precision = Precision.BFloat16Mixed };
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options, Bf16Cpu);
        Assert.Equal(Precision.BFloat16Mixed, trainer.Precision);
        trainer.Fit(data);
        foreach (var (name, tensor) in trainer.Model.state_dict())
        {
            if (tensor.dtype == ScalarType.Int64) continue; // BatchNorm's num_batches_tracked
            Assert.True(tensor.dtype == ScalarType.Float32, $"{name} is {tensor.dtype}");
        }
        foreach (var moment in trainer.OptimizerMoments())
            Assert.True(moment.dtype == ScalarType.Float32, $"an Adam moment is {moment.dtype}");
    }

    [Fact]
    public void Bf16_resume_matches_an_uninterrupted_run_bit_for_bit_and_the_checkpoint_records_the_precision()
    {
        using var images = Squares(40);
        using var data = new TensorBatchSource(images);
        AssertResumeIsExact(data, (dir, epochs) => Options(dir, epochs) with { Precision = Precision.BFloat16Mixed },
            Bf16Cpu, (header, resumed) =>
            {
                Assert.Equal(Precision.BFloat16Mixed, header.Training.Precision);
                Assert.Equal(Precision.BFloat16Mixed, header.ComputePrecision);
                Assert.True(header.Training.ChannelsLast);
                Assert.Equal(Precision.BFloat16Mixed, resumed.Precision);
            });
    }

    [Fact]
    public void Channels_last_is_kept_on_the_cpu_only_for_base_widths_whose_convolutions_survive_odd_batches()
    {
        // At base width 8 (12, 14), an odd batch in channels-last aborted the process in libtorch's oneDNN
        // convolution backward (heap corruption); a last batch of odd size is common.
        Assert.Equal(8, TinyConfig().BaseWidth);
        Assert.False(PrecisionSupport.ChannelsLastRuns(TinyConfig(), CPU));
        Assert.True(PrecisionSupport.ChannelsLastRuns(TinyConfig() with { WidthMultiplier = 0.25 }, CPU));
        Assert.True(PrecisionSupport.ChannelsLastRuns(TinyConfig() with { WidthMultiplier = 1 }, CPU));

        using var images = Squares(17);
        using var data = new TensorBatchSource(images);
        var options = Options(null, epochs: 1) with { BatchSize = 17, Precision = Precision.Float32 };
        Assert.True(options.ChannelsLast);
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options);
        trainer.Fit(data); // one step of 17 images, which crashed the test host before
        Assert.Equal(1, trainer.Step);
        Assert.False(trainer.Model.Compute.ChannelsLast);
        Assert.Contains("standard layout: channels-last crashes libtorch's CPU convolutions at base width 8",
            PrecisionSupport.Describe(options, TinyConfig()));
    }

    [Fact]
    public void Auto_and_float32_checkpoints_round_trip_their_settings()
    {
        using var images = Squares(16);
        using var data = new TensorBatchSource(images);
        string directory = TempDirectory();
        var options = Options(directory, epochs: 1) with { Precision = Precision.Float32, ChannelsLast = false };
        using (var trainer = new AavaeTrainer(TinyConfig(), Augmentation, options)) trainer.Fit(data);
        var header = Checkpoint.ReadHeader(Path.Combine(directory, Checkpoint.LatestFileName));
        Assert.Equal(Precision.Float32, header.Training.Precision);
        Assert.False(header.Training.ChannelsLast);
        Assert.Equal(Precision.Float32, header.ComputePrecision);
        var (model, _) = Checkpoint.LoadModel(Path.Combine(directory, Checkpoint.LatestFileName));
        using (model)
        {
            Assert.Equal(Precision.Float32, model.Compute.Precision);
            Assert.False(model.Compute.ChannelsLast);
        }
    }

    [Fact]
    public void Auto_picks_bf16_only_with_native_bf16_and_explicit_bf16_without_avx512_is_refused_with_the_reason()
    {
        Assert.Equal(Precision.BFloat16Mixed, PrecisionSupport.Resolve(Precision.Auto, Bf16Cpu));
        Assert.Equal(Precision.Float32, PrecisionSupport.Resolve(Precision.Auto, Avx2Cpu));
        var avx512Only = new CpuBf16Features("AVX-512 without BF16", Avx512: true, NativeBf16: false);
        Assert.Equal(Precision.Float32, PrecisionSupport.Resolve(Precision.Auto, avx512Only));
        Assert.Equal(Precision.BFloat16Mixed, PrecisionSupport.Resolve(Precision.BFloat16Mixed, avx512Only));
        Assert.Equal(Precision.Float32, PrecisionSupport.Resolve(Precision.Float32, Bf16Cpu));

        var error = Assert.Throws<NotSupportedException>(
            () => PrecisionSupport.Resolve(Precision.BFloat16Mixed, Avx2Cpu));
        Assert.Contains("AVX-512", error.Message);
        Assert.Contains("test CPU with AVX2 only", error.Message);
        Assert.Throws<NotSupportedException>(
            () => new AavaeTrainer(TinyConfig(), Augmentation,
                Options(null) with { Precision = Precision.BFloat16Mixed }, Avx2Cpu));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new AavaeModel(TinyConfig()).Compute.Precision = Precision.Auto);
    }

    [Fact]
    public void Cpu_features_are_read_from_cpuinfo_flags()
    {
        const string zen4 = "processor\t: 0\nmodel name\t: AMD EPYC 9R14\n" +
            "flags\t\t: fpu avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16\n";
        Assert.Equal(new CpuBf16Features("AMD EPYC 9R14", true, true), CpuBf16Features.FromCpuInfo(zen4));
        const string zen3 = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu avx2 fma\n";
        Assert.Equal(new CpuBf16Features("AMD EPYC 7B13", false, false), CpuBf16Features.FromCpuInfo(zen3));
        const string sapphire = "model name\t: Intel Xeon\n" +
            "flags\t\t: avx512f avx512dq avx512bw avx512vl amx_bf16 amx_tile\n";
        Assert.True(CpuBf16Features.FromCpuInfo(sapphire).NativeBf16);
    }

    [Fact]
    public void A_oneDNN_cap_below_AVX512_BF16_takes_native_bf16_away_and_Auto_picks_float32()
    {
        var zen4 = new CpuBf16Features("AMD EPYC 9R14", Avx512: true, NativeBf16: true);
        var avx2 = zen4.CappedBy("avx2");
        Assert.Equal(new CpuBf16Features("AMD EPYC 9R14 (oneDNN capped at AVX2)", false, false), avx2);
        Assert.Equal(Precision.Float32, PrecisionSupport.Resolve(Precision.Auto, avx2));
        Assert.Throws<NotSupportedException>(() => PrecisionSupport.Resolve(Precision.BFloat16Mixed, avx2));
        var core = zen4.CappedBy(" AVX512_CORE_VNNI ");
        Assert.Equal(new CpuBf16Features("AMD EPYC 9R14 (oneDNN capped at AVX512_CORE_VNNI)", true, false), core);
        Assert.Equal(Precision.Float32, PrecisionSupport.Resolve(Precision.Auto, core));
        Assert.Equal(Precision.BFloat16Mixed, PrecisionSupport.Resolve(Precision.BFloat16Mixed, core));
        foreach (string noCap in new[] { "AVX512_CORE_BF16", "AVX512_CORE_AMX", "ALL", "", "nonsense" })
            Assert.Same(zen4, zen4.CappedBy(noCap));
        Assert.Same(zen4, zen4.CappedBy(null));
        // A cap above what the CPU has changes nothing: it is still an AVX2-only CPU, under its own name.
        var zen3 = new CpuBf16Features("AMD EPYC 7B13", Avx512: false, NativeBf16: false);
        Assert.Same(zen3, zen3.CappedBy("AVX2"));
    }

    [Fact]
    public void Auto_resolves_on_this_machine_as_its_cpuinfo_flags_say()
    {
        // Off Linux the features come from the runtime's AVX-512 checks, which report no native bf16: Auto is fp32.
        var flags = OperatingSystem.IsLinux()
            ? File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags")).Split(' ').ToHashSet()
            : [];
        // A run under oneDNN's instruction-set cap (tested level by level above) has what the cap leaves.
        string? cap = CpuBf16Features.OneDnnIsaCap;
        bool native = flags.Contains("avx512bw") && flags.Contains("avx512vl") && flags.Contains("avx512dq")
                      && (flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"))
                      && new CpuBf16Features("any", Avx512: true, NativeBf16: true).CappedBy(cap).NativeBf16;
        var expected = native ? Precision.BFloat16Mixed : Precision.Float32;
        Assert.Equal(expected, PrecisionSupport.Resolve(Precision.Auto, CPU));
        using var trainer = new AavaeTrainer(TinyConfig(), Augmentation, Options(null));
        Assert.Equal(expected, trainer.Precision);
        Assert.Contains(native ? "has native bf16" : "has no native bf16", PrecisionSupport.Describe(Options(null)));
    }
}
