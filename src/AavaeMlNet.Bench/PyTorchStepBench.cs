using System.Diagnostics;
using System.Globalization;
using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.Bench;

/// <summary>
/// The PyTorch side of the training-step comparison: scripts/pytorch_step_bench.py, an exact PyTorch copy of the
/// bench configuration's model and step, run as a child process that takes one round per command, so that its
/// rounds alternate with this process's. PyTorch's own threads are idle (blocked on stdin) while this side runs.
/// </summary>
internal sealed class PyTorchStepBench : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private const string Script = "scripts/pytorch_step_bench.py";

    private readonly Process process;
    private readonly IReadOnlyList<string> variants;
    private readonly Dictionary<string, List<double>> seconds = new();

    private PyTorchStepBench(Process process, IReadOnlyList<string> variants, long parameters, string version)
    {
        this.process = process;
        this.variants = variants;
        Parameters = parameters;
        Version = version;
        foreach (var v in variants) seconds[v] = [];
    }

    /// <summary>Parameter count of the PyTorch copy.</summary>
    public long Parameters { get; }

    /// <summary>What the child said about itself (PyTorch version, threads).</summary>
    public string Version { get; }

    /// <summary>
    /// Starts the PyTorch side, or returns null with a message on stderr saying why it cannot run here
    /// (no /usr/bin/python3, no PyTorch 2 for it, or the script missing).
    /// </summary>
    public static PyTorchStepBench? Start(BenchConfiguration configuration, int threads, CpuBf16Features cpu)
    {
        string? script = FindScript();
        string? problem = script is null ? $"{Script} was not found above the current directory."
            : !File.Exists(Python) ? $"{Python} does not exist."
            : null;
        if (problem is null)
        {
            string version = RunOnce(Python, "-c \"import torch; print(torch.__version__)\"").Trim();
            if (!version.StartsWith("2.", StringComparison.Ordinal))
                problem = $"{Python} has no PyTorch 2 (it reports '{version}'); " +
                    "Debian 13's python3-torch is the comparison.";
        }
        if (problem is not null)
        {
            Console.Error.WriteLine($"PyTorch comparison skipped: {problem} " +
                "`./build.sh bench train --compare-pytorch` installs it on Debian 12 (root needed).");
            return null;
        }

        var c = configuration.Model;
        var norm = configuration.Augmentation.Normalization;
        string Floats(IEnumerable<float> values) =>
            string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        string arguments = string.Join(' ',
            script!, "--channels", c.Channels, "--height", c.Height, "--width", c.Width, "--depth", c.Depth,
            "--stem", c.Stem, "--width-multiplier", c.WidthMultiplier.ToString(CultureInfo.InvariantCulture),
            "--latent", c.LatentDim, c.ExpandFeatures is { } expand ? $"--expand-features {expand}" : "",
            "--decoder-blocks", c.DecoderBlocks,
            "--batch", configuration.BatchSize, "--threads", threads,
            "--mean", Floats(norm.Mean), "--std", Floats(norm.Std),
            "--jitter-strength", configuration.Augmentation.JitterStrength.ToString(CultureInfo.InvariantCulture));
        var start = new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        try
        {
            string ready = Expect(process, "ready");
            process.StandardInput.WriteLine("params");
            long parameters = long.Parse(Expect(process, "params").Split(' ')[1], CultureInfo.InvariantCulture);
            var variants = TrainingStepBench.Formats(cpu, out _).Select(VariantName).ToList();
            return new PyTorchStepBench(process, variants, parameters, ready["ready ".Length..]);
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>The eval-mode forward variants: each training format, and a traced, frozen one (BatchNorm folded).
    /// </summary>
    public IReadOnlyList<string> EmbedVariants => [.. variants, "fp32-cl-frozen"];

    private readonly Dictionary<string, List<double>> embedSeconds = new();

    /// <summary>One timed round of the encoder's eval-mode forward, <paramref name="batches"/> batches per variant.
    /// </summary>
    public void RunEmbedRound(int batches)
    {
        foreach (var variant in EmbedVariants)
        {
            process.StandardInput.WriteLine($"embed {variant} {batches}");
            var words = Expect(process, "embed").Split(' ');
            if (!embedSeconds.TryGetValue(variant, out var list)) embedSeconds[variant] = list = [];
            list.Add(double.Parse(words[2], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Best images/s of each embedding variant, for rounds of <paramref name="imagesPerRound"/> images.
    /// </summary>
    public IReadOnlyDictionary<string, double> EmbedRates(int imagesPerRound) =>
        embedSeconds.ToDictionary(p => p.Key, p => imagesPerRound / p.Value.Min());

    /// <summary>One timed round of every PyTorch variant.</summary>
    public void RunRound(int steps)
    {
        foreach (var variant in variants)
        {
            process.StandardInput.WriteLine($"round {variant} {steps}");
            var words = Expect(process, "round").Split(' ');
            seconds[variant].Add(double.Parse(words[2], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Prints both sides per format, the ratio, MFU, and the project's best against PyTorch's best.</summary>
    public void Report(int imagesPerRound, IReadOnlyList<TrainingStepBench.StepFormat> formats,
        Func<string, double> ours, Func<double, Precision, double> mfu)
    {
        Console.WriteLine($"PyTorch side: {Version} (scripts/pytorch_step_bench.py, same model, batch, threads), " +
                          $"{Parameters:N0} parameters on both sides");
        Console.WriteLine($"{"format",-28} {"AavaeMlNet img/s",17} {"PyTorch img/s",14} {"ratio",7} " +
                          $"{"MFU ours",9} {"MFU PyTorch",12}");
        double PyTorchRate(string variant) =>
            seconds[variant].Count == 0 ? double.NaN : imagesPerRound / seconds[variant].Min();
        foreach (var format in formats)
        {
            double a = ours($"model step, {format.Name}");
            double p = PyTorchRate(VariantName(format));
            Console.WriteLine($"{format.Name,-28} {a,17:F1} {p,14:F1} {a / p,6:F2}x " +
                              $"{100 * mfu(a, format.Precision),8:F0}% {100 * mfu(p, format.Precision),11:F0}%");
        }
        var bestOurs = formats.MaxBy(f => ours($"model step, {f.Name}"))!;
        var bestTheirs = formats.MaxBy(f => PyTorchRate(VariantName(f)))!;
        double ratio = ours($"model step, {bestOurs.Name}") / PyTorchRate(VariantName(bestTheirs));
        Console.WriteLine($"best against best: AavaeMlNet {bestOurs.Name} / PyTorch {bestTheirs.Name} = {ratio:F2}x");
    }

    /// <summary>
    /// Where a training step's time goes, per kind of operation (torch.profiler's self CPU time over
    /// <paramref name="steps"/> steps), for the standard and the fastest channels-last format: both stacks call the
    /// same libtorch kernels, so this is where the time of either goes.
    /// </summary>
    public void PrintProfiles(int steps)
    {
        Console.WriteLine($"PyTorch profile over {steps} steps: share of self CPU time by kind of operation");
        foreach (var variant in variants)
        {
            process.StandardInput.WriteLine($"profile {variant} {steps}");
            var words = Expect(process, "profile").Split(' ');
            string shares = string.Join(", ", words[2..].Select(w => w.Replace('_', ' ').Replace("=", " ") + " %"));
            Console.WriteLine($"  {variant,-8} {shares}");
        }
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.WriteLine("quit");
            if (!process.WaitForExit(10_000)) process.Kill();
        }
        catch (IOException)
        {
            process.Kill();
        }
        process.Dispose();
    }

    private static string VariantName(TrainingStepBench.StepFormat format) =>
        (format.Precision == Precision.BFloat16Mixed ? "bf16" : "fp32") + (format.ChannelsLast ? "-cl" : "");

    private static string Expect(Process process, string keyword)
    {
        string line = process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"The PyTorch side exited before answering '{keyword}'.");
        if (!line.StartsWith(keyword, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"The PyTorch side answered '{line}' where '{keyword} ...' was expected.");
        return line;
    }

    private static string? FindScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, Script);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private static string RunOnce(string file, string arguments)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000)) process.Kill();
        return process.ExitCode == 0 ? output : "";
    }
}
