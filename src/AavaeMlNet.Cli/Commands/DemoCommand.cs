using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Commands;

/// <summary>
/// `aavae demo` (also `aavae main`): the built-in Fashion-MNIST demo (CPU preset, linear probe, report) that
/// `./build.sh demo` runs.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var defaults = new FashionMnistDemoOptions();
        var output = new Option<string>("--output", "-o") { Description = "Report directory.", DefaultValueFactory = _ => defaults.OutputDirectory };
        var dataDir = new Option<string>("--data-dir") { Description = "Download directory when the Debian package is unavailable.", DefaultValueFactory = _ => defaults.DataDirectory };
        var pretrainImages = new Option<int>("--pretrain-images") { Description = "Images of the pretrain split to pretrain on (max 55000).", DefaultValueFactory = _ => defaults.PretrainImages };
        var probeImages = new Option<int>("--probe-train-images") { Description = "Labelled images to fit the probes on (max 55000).", DefaultValueFactory = _ => defaults.ProbeTrainImages };
        var epochs = new Option<int>("--epochs") { Description = "Pretraining epochs.", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch-size") { Description = "Images per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var width = new Option<double>("--width") { Description = "Width multiplier of the ResNet-18 encoder.", DefaultValueFactory = _ => defaults.WidthMultiplier };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var seed = new Option<long>("--seed") { Description = "Seed of everything random.", DefaultValueFactory = _ => defaults.Seed };
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads (default: one per core)." };
        var precision = CommonOptions.Precision();
        var decay = CommonOptions.Decay(defaults.Decay);
        var view = new ViewFlags();
        var labels = new Option<string>("--labels")
        {
            Description = "Label budgets of the label-efficiency plot: N/class, P% or N images, comma-separated.",
            DefaultValueFactory = _ => string.Join(',', defaults.Labels),
        };
        var cleanBn = CommonOptions.CleanBatchNormImages(defaults.CleanBatchNormImages);

        var command = new Command("demo", "Pretrain AAVAE on Fashion-MNIST with a CPU preset, fit a linear probe and write a report.")
        {
            output, dataDir, pretrainImages, probeImages, epochs, batch, width, lr, seed, threads, precision,
        };
        command.Options.Add(decay);
        command.Options.Add(cleanBn);
        command.Options.Add(labels);
        foreach (var flag in view.All) command.Options.Add(flag);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose), async () =>
        {
            var options = new FashionMnistDemoOptions
            {
                OutputDirectory = parse.GetValue(output)!, DataDirectory = parse.GetValue(dataDir)!,
                PretrainImages = parse.GetValue(pretrainImages), ProbeTrainImages = parse.GetValue(probeImages),
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), WidthMultiplier = parse.GetValue(width),
                LearningRate = parse.GetValue(lr), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads),
                Precision = CommonOptions.ParsePrecision(parse.GetValue(precision)),
                Decay = CommonOptions.ParseDecay(parse.GetValue(decay)),
                View = view.Read(parse),
                CleanBatchNormImages = parse.GetValue(cleanBn),
                Labels = LabelBudget.ParseList(parse.GetValue(labels)!),
            };
            var reporter = ProgressReporter.ForConsole(options.Epochs);
            var result = await FashionMnistDemoJob.RunAsync(options, Console.Out, reporter.Report, cancellationToken);
            Console.WriteLine();
            Console.WriteLine($"Linear-probe test accuracy on Fashion-MNIST: AAVAE embedding {result.AavaeAccuracy:P2}, raw pixels {result.RawPixelAccuracy:P2} (same run, same probe).");
            Console.WriteLine($"Pretraining {result.PretrainTime:mm\\:ss}, total {result.TotalTime:mm\\:ss}. Report: {Path.Combine(result.OutputDirectory, "report.md")}");
            return 0;
        }));
        return command;
    }
}
