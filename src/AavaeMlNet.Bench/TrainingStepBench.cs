using System.Diagnostics;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using static TorchSharp.torch;

namespace AavaeMlNet.Bench;

/// <summary>
/// Training-step throughput, measured side by side in one process: the model step (encode, sample, decode,
/// likelihood, backward, Adam) in each compute format this CPU runs (fp32 and bf16 mixed, standard and
/// channels-last layout), the full step with the batched augmentations, the augmentations alone, the encoder alone,
/// and two diagnostics (one intra-op thread; no dispose scope). With a PyTorch side (<see cref="PyTorchStepBench"/>)
/// the same model's PyTorch step runs in alternating rounds. Variants alternate over rounds so that drift of the
/// machine hits all of them alike; the best round counts.
/// </summary>
internal static class TrainingStepBench
{
    private enum Kind { ModelStep, FullStep, AugmentationOnly, EncoderStep, OneThread, NoDisposeScope }

    private sealed record Variant(string Label, Kind Kind, StepFormat Format);

    /// <summary>A compute format of the model step.</summary>
    public sealed record StepFormat(string Name, Precision Precision, bool ChannelsLast);

    public static void Run(BenchConfiguration configuration, int steps, int rounds, bool comparePyTorch)
    {
        random.manual_seed(0);
        using var model = new AavaeModel(configuration.Model);
        using (var initial = new Generator(0)) WeightInitialization.Apply(model, initial);
        model.train();
        using var optimizer = new Adam(model.parameters(), lr: 1e-4);
        using var encoderOptimizer = new Adam(model.Encoder.parameters(), lr: 1e-4);
        var augmentation = new SimClrAugmentation(configuration.Augmentation);
        using var generator = new Generator(1);
        var c = configuration.Model;
        using var images = rand([configuration.BatchSize, c.Channels, c.Height, c.Width], generator: generator);
        using var target = augmentation.Target(images);
        int threads = get_num_threads();
        var cpu = CpuBf16Features.Current;
        var formats = Formats(cpu, out string? bf16Note);
        var chosen = DefaultFormat(cpu);

        Console.WriteLine($"configuration {configuration.Name}: {c.Depth}, width x{c.WidthMultiplier}, " +
                          $"{c.Channels}x{c.Height}x{c.Width}, batch {configuration.BatchSize}, " +
                          $"{steps} steps x {rounds} rounds, libtorch threads {threads}");
        Console.WriteLine($"CPU: {cpu.Model}; AVX-512 {(cpu.Avx512 ? "yes" : "no")}, " +
                          $"native bf16 {(cpu.NativeBf16 ? "yes" : "no")}; default format: {chosen.Name}");
        if (bf16Note is not null) Console.WriteLine(bf16Note);
        var flops = ModelFlops.Count(model, c);
        Console.WriteLine(flops.Describe());
        long parameters = model.parameters().Sum(p => p.numel());
        Console.WriteLine($"parameters: {parameters:N0}");

        void Step(Variant variant)
        {
            model.Compute.Precision = variant.Format.Precision;
            model.Compute.ChannelsLast = variant.Format.ChannelsLast;
            switch (variant.Kind)
            {
                case Kind.AugmentationOnly:
                {
                    using var scope = NewDisposeScope();
                    augmentation.View(images, generator);
                    break;
                }
                case Kind.EncoderStep:
                {
                    // Encoder alone, forward + backward + Adam: the share of the step the decoder does not take.
                    using var scope = NewDisposeScope();
                    var loss = model.Encoder.forward(target).square().mean();
                    encoderOptimizer.zero_grad();
                    loss.backward();
                    encoderOptimizer.step();
                    break;
                }
                case Kind.NoDisposeScope:
                {
                    var loss = model.Loss(target, target, generator);
                    optimizer.zero_grad();
                    loss.Total.backward();
                    optimizer.step();
                    break;
                }
                default:
                {
                    using var scope = NewDisposeScope();
                    var input = variant.Kind == Kind.FullStep ? augmentation.View(images, generator) : target;
                    var loss = model.Loss(input, target, generator);
                    optimizer.zero_grad();
                    loss.Total.backward();
                    optimizer.step();
                    break;
                }
            }
        }

        var variants = formats.Select(f => new Variant($"model step, {f.Name}", Kind.ModelStep, f)).ToList();
        variants.Add(new($"full step (augmentation + model step), {chosen.Name}", Kind.FullStep, chosen));
        variants.Add(new("augmentation only", Kind.AugmentationOnly, chosen));
        variants.Add(new($"encoder only (fwd+bwd+Adam), {chosen.Name}", Kind.EncoderStep, chosen));
        variants.Add(new($"model step, 1 libtorch thread, {chosen.Name}", Kind.OneThread, chosen));
        variants.Add(new($"model step, no dispose scope, {chosen.Name}", Kind.NoDisposeScope, chosen));

        using var pytorch = comparePyTorch ? PyTorchStepBench.Start(configuration, threads, cpu) : null;
        if (pytorch is not null && pytorch.Parameters != parameters)
            throw new InvalidOperationException(
                $"The PyTorch copy has {pytorch.Parameters:N0} parameters, this model {parameters:N0}: " +
                "scripts/pytorch_step_bench.py no longer mirrors the model.");

        var seconds = variants.ToDictionary(v => v.Label, _ => new List<double>());
        foreach (var variant in variants)
        {
            Step(variant);
            Step(variant);
        }
        for (int round = 0; round < rounds; round++)
        {
            foreach (var variant in variants)
            {
                set_num_threads(variant.Kind == Kind.OneThread ? 1 : threads);
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) Step(variant);
                seconds[variant.Label].Add(clock.Elapsed.TotalSeconds);
            }
            set_num_threads(threads);
            pytorch?.RunRound(steps);
        }
        GC.Collect();

        double Rate(string label) => configuration.BatchSize * steps / seconds[label].Min();
        double baseline = Rate(variants[0].Label);
        Console.WriteLine();
        Console.WriteLine($"{"measurement",-58} {"images/s (best round)",22} {"vs fp32 model step",19}");
        foreach (var variant in variants)
            Console.WriteLine(
                $"{variant.Label,-58} {Rate(variant.Label),22:F1} {Rate(variant.Label) / baseline,18:F2}x");

        PrintPhases(model, optimizer, target, generator, chosen, steps * rounds);

        var peaks = ConvPeak.Measure(formats.Select(f => f.Precision).Distinct().ToList());
        Console.WriteLine();
        foreach (var (precision, peak) in peaks)
            Console.WriteLine(
                $"conv peak (3x3 conv 64->64 ch, 32x32, batch 64, forward), {precision}: {peak:F1} GFLOP/s");
        double Mfu(double imagesPerSecond, Precision precision) =>
            imagesPerSecond * flops.TrainingFlopsPerImage / 1e9 / peaks[precision];
        foreach (var format in formats)
        {
            double rate = Rate($"model step, {format.Name}");
            Console.WriteLine($"MFU, model step {format.Name}: {100 * Mfu(rate, format.Precision):F0} % " +
                              $"({rate * flops.TrainingFlopsPerImage / 1e9:F1} GFLOP/s " +
                              $"of the {format.Precision} conv peak)");
        }
        if (pytorch is not null)
        {
            Console.WriteLine();
            pytorch.Report(configuration.BatchSize * steps, formats, Rate, Mfu);
            pytorch.PrintProfiles(steps);
        }
        Console.WriteLine($"peak resident memory: {PeakResidentMegabytes():F0} MB");
    }

    /// <summary>
    /// Where a model step's time goes, in the default format: forward (loss), backward, Adam (zero_grad + step), and
    /// the trainer's three host reads of the loss (item), each timed around the synchronous CPU call.
    /// </summary>
    private static void PrintPhases(AavaeModel model, TorchSharp.Modules.OptimizerHelper optimizer, Tensor target,
        Generator generator, StepFormat format, int steps)
    {
        model.Compute.Precision = format.Precision;
        model.Compute.ChannelsLast = format.ChannelsLast;
        double forward = 0, backward = 0, adam = 0, reads = 0;
        var clock = new Stopwatch();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            clock.Restart();
            var loss = model.Loss(target, target, generator);
            forward += clock.Elapsed.TotalSeconds;
            clock.Restart();
            _ = loss.Total.item<float>() + loss.Reconstruction.item<float>() + loss.Kl.item<float>();
            reads += clock.Elapsed.TotalSeconds;
            clock.Restart();
            loss.Total.backward();
            backward += clock.Elapsed.TotalSeconds;
            clock.Restart();
            optimizer.zero_grad();
            optimizer.step();
            adam += clock.Elapsed.TotalSeconds;
        }
        double total = forward + backward + adam + reads;
        Console.WriteLine();
        Console.WriteLine($"step phases, {format.Name}, {steps} steps ({1000 * total / steps:F1} ms per step): " +
                          $"forward {100 * forward / total:F1} %, backward {100 * backward / total:F1} %, " +
                          $"Adam (zero_grad + step, {model.parameters().Count()} tensors) {100 * adam / total:F1} %, " +
                          $"host reads of the loss {100 * reads / total:F2} %");
    }

    /// <summary>
    /// The formats the bench measures: fp32 in both layouts always, bf16 mixed in both where the CPU runs it
    /// (otherwise <paramref name="note"/> says why it is left out).
    /// </summary>
    public static IReadOnlyList<StepFormat> Formats(CpuBf16Features cpu, out string? note)
    {
        var formats = new List<StepFormat>
        {
            new("fp32", Precision.Float32, false),
            new("fp32 channels-last", Precision.Float32, true),
        };
        note = null;
        try
        {
            PrecisionSupport.Resolve(Precision.BFloat16Mixed, cpu);
            formats.Add(new("bf16 mixed", Precision.BFloat16Mixed, false));
            formats.Add(new("bf16 mixed channels-last", Precision.BFloat16Mixed, true));
        }
        catch (NotSupportedException e)
        {
            note = $"bf16 mixed not measured: {e.Message}";
        }
        return formats;
    }

    /// <summary>The format training uses by default on this CPU (Auto precision, the default layout).</summary>
    public static StepFormat DefaultFormat(CpuBf16Features cpu)
    {
        var precision = PrecisionSupport.Resolve(Precision.Auto, cpu);
        bool channelsLast = new TrainingOptions().ChannelsLast;
        string name = (precision == Precision.BFloat16Mixed ? "bf16 mixed" : "fp32")
            + (channelsLast ? " channels-last" : "");
        return new(name, precision, channelsLast);
    }

    /// <summary>VmHWM of this process (Linux), in MB.</summary>
    public static double PeakResidentMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null
            ? double.NaN
            : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
