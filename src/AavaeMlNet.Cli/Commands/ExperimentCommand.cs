using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae experiment SWEEP`: the paper's analyses as Fashion-MNIST sweeps with a report.</summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var d = new ExperimentOptions();
        var sweep = new Argument<string>("sweep") { Description = $"One of: {string.Join(", ", ExperimentSweeps.Names)}." };
        var output = new Option<string>("--output", "-o") { Description = "Report directory.", DefaultValueFactory = _ => d.OutputDirectory };
        var dataDir = new Option<string>("--data-dir") { Description = "Download directory when the Debian package is unavailable.", DefaultValueFactory = _ => d.DataDirectory };
        var pretrainImages = new Option<int>("--pretrain-images") { DefaultValueFactory = _ => d.PretrainImages, Description = "Pretraining images (max 55000)." };
        var probeImages = new Option<int>("--probe-train-images") { DefaultValueFactory = _ => d.ProbeTrainImages, Description = "Labelled images for the final probes." };
        var onlineImages = new Option<int>("--online-probe-images") { DefaultValueFactory = _ => d.OnlineProbeImages, Description = "Images for the per-epoch online probe (0: off)." };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => d.Epochs, Description = "Epochs per run." };
        var minutes = new Option<double?>("--minutes") { Description = "Wall-time budget per run in minutes." };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => d.BatchSize };
        var width = new Option<double>("--width") { DefaultValueFactory = _ => d.WidthMultiplier };
        var latent = new Option<int>("--latent") { DefaultValueFactory = _ => d.LatentDim };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => d.LearningRate };
        var warmup = new Option<double>("--warmup-epochs") { DefaultValueFactory = _ => d.WarmupEpochs };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => d.Seed };
        var threads = new Option<int?>("--threads");
        var precision = CommonOptions.Precision();
        var decay = CommonOptions.Decay(d.Decay);
        var view = new ViewFlags();
        var labels = new Option<string>("--labels")
        {
            Description = "Label budgets of the label-efficiency table: N/class, P% or N images, comma-separated " +
                          "('' for none).",
            DefaultValueFactory = _ => string.Join(',', d.Labels),
        };
        var cleanBn = CommonOptions.CleanBatchNormImages(d.CleanBatchNormImages);
        var command = new Command("experiment", "Run one of the paper's analyses on Fashion-MNIST (variants, beta, log-scale, batch-size, latent, or one AAVAE run).")
        {
            sweep, output, dataDir, pretrainImages, probeImages, onlineImages, epochs, minutes, batch, width, latent, lr, warmup, seed, threads, precision,
        };
        command.Options.Add(decay);
        command.Options.Add(cleanBn);
        command.Options.Add(labels);
        foreach (var flag in view.All) command.Options.Add(flag);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose), async () =>
        {
            var options = new ExperimentOptions
            {
                OutputDirectory = parse.GetValue(output)!, DataDirectory = parse.GetValue(dataDir)!,
                PretrainImages = parse.GetValue(pretrainImages), ProbeTrainImages = parse.GetValue(probeImages),
                OnlineProbeImages = parse.GetValue(onlineImages), Epochs = parse.GetValue(epochs),
                TimeLimit = parse.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : null,
                BatchSize = parse.GetValue(batch), WidthMultiplier = parse.GetValue(width), LatentDim = parse.GetValue(latent),
                LearningRate = parse.GetValue(lr), WarmupEpochs = parse.GetValue(warmup), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads),
                Precision = CommonOptions.ParsePrecision(parse.GetValue(precision)),
                Decay = CommonOptions.ParseDecay(parse.GetValue(decay)),
                View = view.Read(parse),
                CleanBatchNormImages = parse.GetValue(cleanBn),
                Labels = parse.GetValue(labels) is { Length: > 0 } budgets ? LabelBudget.ParseList(budgets) : [],
            };
            string name = parse.GetValue(sweep)!;
            ExperimentSweeps.Get(name, options); // reject an unknown sweep before loading data
            var reporter = ProgressReporter.ForConsole(options.Epochs);
            var results = await ExperimentJob.RunAsync(name, options, Console.Out, reporter.Report, cancellationToken);
            Console.WriteLine($"Report: {Path.Combine(Path.GetFullPath(options.OutputDirectory), "report.md")}");
            return 0;
        }));
        return command;
    }
}
