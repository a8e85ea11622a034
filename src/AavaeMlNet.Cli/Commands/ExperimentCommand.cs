using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae experiment SWEEP`: the paper's analyses as Fashion-MNIST sweeps with a report.</summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var defaults = new ExperimentOptions();
        var sweep = new Argument<string>("sweep")
        {
            Description = $"One of: {string.Join(", ", ExperimentSweeps.Names)}.",
        };
        var job = new FashionMnistJobFlags(defaults.OutputDirectory, defaults.DataDirectory, defaults.PretrainImages,
            defaults.ProbeTrainImages);
        var onlineImages = new Option<int>("--online-probe-images")
        {
            Description = "Images for the per-epoch online probe (0: off).",
            DefaultValueFactory = _ => defaults.OnlineProbeImages,
        };
        var labels = CommonOptions.LabelBudgets("the label-efficiency table", defaults.Labels);
        var probeL2 = CommonOptions.ProbeL2();
        var set = new Option<string[]>("--set")
        {
            Description = "Sweep any setting: NAME=V1,V2 (a flag name without dashes, values in its own text; " +
                          "MIN,MAX ranges in pairs). Repeat for a grid; every run of the sweep runs at each point.",
            AllowMultipleArgumentsPerToken = false,
        };
        var settings = new SettingFlags(defaults.Settings);
        var command = new Command("experiment", "Run one of the paper's analyses on Fashion-MNIST (variants, beta, " +
                                                "log-scale, batch-size, latent, or one AAVAE run).")
        {
            sweep, onlineImages, labels, probeL2, set,
        };
        job.AddTo(command);
        settings.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            async () =>
            {
                var options = new ExperimentOptions
                {
                    OutputDirectory = parse.GetValue(job.Output)!,
                    DataDirectory = parse.GetValue(job.DataDirectory)!,
                    PretrainImages = parse.GetValue(job.PretrainImages),
                    ProbeTrainImages = parse.GetValue(job.ProbeTrainImages),
                    OnlineProbeImages = parse.GetValue(onlineImages),
                    Labels = CommonOptions.ParseLabelBudgets(parse.GetValue(labels)),
                    ProbeL2 = CommonOptions.ParseProbeL2(parse.GetValue(probeL2)),
                    Baselines = CommonOptions.ParseBaselines(parse.GetValue(job.Baselines)),
                    FeatureCacheDirectory = parse.GetValue(job.FeatureCache)!,
                    Settings = settings.Read(parse),
                    Set = parse.GetValue(set) ?? [],
                };
                string name = parse.GetValue(sweep)!;
                ExperimentSweeps.Get(name, options.Settings, options.Set); // reject bad sweeps before loading data
                var reporter = ProgressReporter.ForConsole();
                await ExperimentJob.RunAsync(name, options, Console.Out, reporter.Report, cancellationToken);
                Console.WriteLine($"Report: {Path.Combine(Path.GetFullPath(options.OutputDirectory), "report.md")}");
                return 0;
            }));
        return command;
    }
}
