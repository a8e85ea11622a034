using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Evaluation.LabelEfficiency;

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
        var output = new Option<string>("--output", "-o")
        {
            Description = "Report directory.",
            DefaultValueFactory = _ => defaults.OutputDirectory,
        };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Download directory when the Debian package is unavailable.",
            DefaultValueFactory = _ => defaults.DataDirectory,
        };
        var pretrainImages = new Option<int>("--pretrain-images")
        {
            Description = "Pretraining images (max 55000).",
            DefaultValueFactory = _ => defaults.PretrainImages,
        };
        var probeImages = new Option<int>("--probe-train-images")
        {
            Description = "Labelled images for the final probes.",
            DefaultValueFactory = _ => defaults.ProbeTrainImages,
        };
        var onlineImages = new Option<int>("--online-probe-images")
        {
            Description = "Images for the per-epoch online probe (0: off).",
            DefaultValueFactory = _ => defaults.OnlineProbeImages,
        };
        var labels = new Option<string>("--labels")
        {
            Description = "Label budgets of the label-efficiency table: N/class, P% or N images, comma-separated " +
                          "('' for none).",
            DefaultValueFactory = _ => string.Join(',', defaults.Labels),
        };
        var settings = new SettingFlags(defaults.Settings);
        var command = new Command("experiment", "Run one of the paper's analyses on Fashion-MNIST (variants, beta, " +
                                                "log-scale, batch-size, latent, or one AAVAE run).")
        {
            sweep, output, dataDir, pretrainImages, probeImages, onlineImages, labels,
        };
        settings.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            async () =>
            {
                var options = new ExperimentOptions
                {
                    OutputDirectory = parse.GetValue(output)!,
                    DataDirectory = parse.GetValue(dataDir)!,
                    PretrainImages = parse.GetValue(pretrainImages),
                    ProbeTrainImages = parse.GetValue(probeImages),
                    OnlineProbeImages = parse.GetValue(onlineImages),
                    Labels = parse.GetValue(labels) is { Length: > 0 } budgets ? LabelBudget.ParseList(budgets) : [],
                    Settings = settings.Read(parse),
                };
                string name = parse.GetValue(sweep)!;
                ExperimentSweeps.Get(name, options.Settings); // reject an unknown sweep before loading data
                var reporter = ProgressReporter.ForConsole(options.Settings.Epochs);
                await ExperimentJob.RunAsync(name, options, Console.Out, reporter.Report, cancellationToken);
                Console.WriteLine($"Report: {Path.Combine(Path.GetFullPath(options.OutputDirectory), "report.md")}");
                return 0;
            }));
        return command;
    }
}
