using System.Diagnostics;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Bench;

/// <summary>
/// Training-step throughput, measured side by side in one process: the bare model step (encode, sample, decode,
/// likelihood, backward, Adam), the full step with the batched augmentations, the augmentations alone, and two
/// diagnostics for the gap to PyTorch (one intra-op thread; no dispose scope, leaving tensors to the GC).
/// Variants run in alternating rounds so that drift of the machine hits all of them alike.
/// </summary>
internal static class TrainingStepBench
{
    private enum Variant { ModelStep, FullStep, AugmentationOnly, EncoderStep, ModelStepOneThread, ModelStepNoDisposeScope }

    public static void Run(BenchConfiguration configuration, int steps, int rounds)
    {
        random.manual_seed(0);
        using var model = new AavaeModel(configuration.Model);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-4);
        using var encoderOptimizer = optim.Adam(model.Encoder.parameters(), lr: 1e-4);
        var augmentation = new SimClrAugmentation(configuration.Augmentation);
        using var generator = new Generator(1);
        var c = configuration.Model;
        using var images = rand([configuration.BatchSize, c.Channels, c.Height, c.Width], generator: generator);
        using var target = augmentation.Target(images);
        int defaultThreads = get_num_threads();

        Console.WriteLine($"configuration {configuration.Name}: {c.Depth}, width x{c.WidthMultiplier}, {c.Channels}x{c.Height}x{c.Width}, " +
                          $"batch {configuration.BatchSize}, {steps} steps x {rounds} rounds, libtorch threads {defaultThreads}");

        void Step(Variant variant)
        {
            switch (variant)
            {
                case Variant.AugmentationOnly:
                {
                    using var scope = NewDisposeScope();
                    augmentation.View(images, generator);
                    break;
                }
                case Variant.EncoderStep:
                {
                    // Encoder alone, forward + backward + Adam: the share of the step the decoder does not take, and the
                    // figure comparable to a ResNet classification step.
                    using var scope = NewDisposeScope();
                    var loss = model.Encoder.forward(target).square().mean();
                    encoderOptimizer.zero_grad();
                    loss.backward();
                    encoderOptimizer.step();
                    break;
                }
                case Variant.ModelStepNoDisposeScope:
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
                    var input = variant == Variant.FullStep ? augmentation.View(images, generator) : target;
                    var loss = model.Loss(input, target, generator);
                    optimizer.zero_grad();
                    loss.Total.backward();
                    optimizer.step();
                    break;
                }
            }
        }

        var variants = Enum.GetValues<Variant>();
        var seconds = variants.ToDictionary(v => v, _ => new List<double>());
        foreach (var variant in variants) { Step(variant); Step(variant); } // warm-up
        for (int round = 0; round < rounds; round++)
        {
            foreach (var variant in variants)
            {
                set_num_threads(variant == Variant.ModelStepOneThread ? 1 : defaultThreads);
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) Step(variant);
                seconds[variant].Add(clock.Elapsed.TotalSeconds);
            }
        }
        set_num_threads(defaultThreads);
        GC.Collect();

        double Rate(Variant v) => configuration.BatchSize * steps / seconds[v].Min();
        double baseline = Rate(Variant.ModelStep);
        Console.WriteLine($"{"measurement",-44} {"images/s (best round)",22} {"vs model step",14}");
        foreach (var variant in variants)
        {
            string label = variant switch
            {
                Variant.ModelStep => "model step (AAVAE fwd+bwd+Adam)",
                Variant.FullStep => "full step (augmentation + model step)",
                Variant.AugmentationOnly => "augmentation only",
                Variant.EncoderStep => "encoder only (fwd+bwd+Adam, no decoder)",
                Variant.ModelStepOneThread => "model step, 1 libtorch thread",
                _ => "model step, no dispose scope (GC frees)",
            };
            Console.WriteLine($"{label,-44} {Rate(variant),22:F1} {Rate(variant) / baseline,13:F2}x");
        }
        Console.WriteLine($"peak resident memory: {PeakResidentMegabytes():F0} MB");
    }

    /// <summary>VmHWM of this process (Linux), in MB.</summary>
    public static double PeakResidentMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
