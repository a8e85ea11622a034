using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Evaluation.LabelEfficiency;

namespace AavaeMlNet.Cli.Commands;

/// <summary>
/// `aavae demo` (also `aavae main`): the built-in Fashion-MNIST demo (CPU recipe, linear probe, report) that
/// `./build.sh demo` runs.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var defaults = new FashionMnistDemoOptions();
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
            Description = "Images of the pretrain split to pretrain on (max 55000).",
            DefaultValueFactory = _ => defaults.PretrainImages,
        };
        var probeImages = new Option<int>("--probe-train-images")
        {
            Description = "Labelled images to fit the probes on (max 55000).",
            DefaultValueFactory = _ => defaults.ProbeTrainImages,
        };
        var labels = new Option<string>("--labels")
        {
            Description = "Label budgets of the label-efficiency plot: N/class, P% or N images, comma-separated.",
            DefaultValueFactory = _ => string.Join(',', defaults.Labels),
        };
        var settings = new SettingFlags(defaults.Settings);

        var command = new Command("demo",
            "Pretrain AAVAE on Fashion-MNIST with a CPU recipe, fit a linear probe and write a report.")
        {
            output, dataDir, pretrainImages, probeImages, labels,
        };
        command.Aliases.Add("main"); // the name README and build.sh used before
        settings.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            async () =>
            {
                var options = new FashionMnistDemoOptions
                {
                    OutputDirectory = parse.GetValue(output)!,
                    DataDirectory = parse.GetValue(dataDir)!,
                    PretrainImages = parse.GetValue(pretrainImages),
                    ProbeTrainImages = parse.GetValue(probeImages),
                    Labels = LabelBudget.ParseList(parse.GetValue(labels)!),
                    Settings = settings.Read(parse),
                };
                var reporter = ProgressReporter.ForConsole(options.Settings.Epochs);
                var result = await FashionMnistDemoJob.RunAsync(options, Console.Out, reporter.Report, cancellationToken);
                Console.WriteLine();
                Console.WriteLine($"Linear-probe test accuracy on Fashion-MNIST: AAVAE embedding " +
                                  $"{result.AavaeAccuracy:P2}, raw pixels {result.RawPixelAccuracy:P2} " +
                                  "(same run, same probe).");
                Console.WriteLine($"Pretraining {result.PretrainTime:mm\\:ss}, total {result.TotalTime:mm\\:ss}. " +
                                  $"Report: {Path.Combine(result.OutputDirectory, "report.md")}");
                return 0;
            }));
        return command;
    }
}
