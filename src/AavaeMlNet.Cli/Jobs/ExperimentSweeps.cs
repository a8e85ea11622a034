using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>One pretraining run of a sweep: a name and how it departs from the shared options.</summary>
public sealed record ExperimentRun(string Name, Action<AavaeSettings> Configure);

/// <summary>The paper's analyses as sweeps (Table 1, Fig. 2a, Fig. 3, Fig. 4a/b) on Fashion-MNIST.</summary>
public static class ExperimentSweeps
{
    public static IReadOnlyList<string> Names { get; } =
        ["aavae", "variants", "beta", "log-scale", "batch-size", "latent"];

    /// <summary>
    /// The runs of sweep <paramref name="name"/>, each repeated at every point of the <c>--set</c> grid
    /// (<see cref="SettingGrid"/>; its values are applied after the sweep's own change).
    /// </summary>
    public static IReadOnlyList<ExperimentRun> Get(string name, AavaeSettings baseline, IReadOnlyList<string> sets)
    {
        var grid = SettingGrid.Parse(sets);
        if (sets.Count == 0) return Get(name, baseline);
        return [.. Get(name, baseline).SelectMany(run => grid.Select(point => new ExperimentRun(
            $"{run.Name}, {point.Label}",
            settings =>
            {
                run.Configure(settings);
                point.Apply(settings);
            })))];
    }

    public static IReadOnlyList<ExperimentRun> Get(string name, AavaeSettings baseline) => name switch
    {
        "aavae" => [new("AAVAE", _ => { })],
        "variants" => // Table 1: the four models as settings of one network, equal budget
        [
            new("AE", o => o.Variant = Variant.Ae),
            new("VAE", o => o.Variant = Variant.Vae),
            new("AAAE", o => o.Variant = Variant.Aaae),
            new("AAVAE", o => o.Variant = Variant.Aavae),
        ],
        "beta" => // Fig. 3
            [.. new[] { 0.0, 0.01, 0.1, 1.0 }.Select(b => new ExperimentRun($"AAVAE beta={b}", o => o.Beta = b))],
        "log-scale" => // Fig. 2a
        [
            new("log scale fixed at 0", o => o.LearnLogScale = false),
            new("log scale learned", o => o.LearnLogScale = true),
        ],
        "batch-size" => // Fig. 4a: lr and warmup scale linearly with the batch size (the paper scales both; the recipe
                        // scales an unset rate itself)
        [.. new[] { 64, 128, 256 }.Select(b => new ExperimentRun($"batch {b}", o =>
        {
            o.BatchSize = b;
            if (baseline.BatchSize is { } b0)
            {
                if (baseline.LearningRate is { } rate) o.LearningRate = rate * b / b0;
                if (baseline.WarmupEpochs is { } warmup) o.WarmupEpochs = warmup * b / b0;
            }
        }))],
        "latent" => // Fig. 4b
            [.. new[] { 32, 128, 512 }.Select(d => new ExperimentRun($"latent {d}", o => o.LatentDim = d))],
        _ => throw new ArgumentException($"Unknown experiment '{name}': expected one of {string.Join(", ", Names)}."),
    };
}
