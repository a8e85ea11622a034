using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Text;

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
        var job = new FashionMnistJobFlags(defaults.OutputDirectory, defaults.DataDirectory, defaults.PretrainImages,
            defaults.ProbeTrainImages);
        var labels = CommonOptions.LabelBudgets("the label-efficiency plot", defaults.Labels);
        var settings = new SettingFlags(defaults.Settings);

        var command = new Command("demo",
            "Pretrain AAVAE on Fashion-MNIST with a CPU recipe, fit a linear probe and write a report.")
        {
            labels,
        };
        command.Aliases.Add("main"); // the name README and build.sh used before
        job.AddTo(command);
        settings.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            async () =>
            {
                var options = new FashionMnistDemoOptions
                {
                    OutputDirectory = parse.GetValue(job.Output)!,
                    DataDirectory = parse.GetValue(job.DataDirectory)!,
                    PretrainImages = parse.GetValue(job.PretrainImages),
                    ProbeTrainImages = parse.GetValue(job.ProbeTrainImages),
                    Labels = CommonOptions.ParseLabelBudgets(parse.GetValue(labels)),
                    Baselines = CommonOptions.ParseBaselines(parse.GetValue(job.Baselines)),
                    FeatureCacheDirectory = parse.GetValue(job.FeatureCache)!,
                    Settings = settings.Read(parse),
                };
                var reporter = ProgressReporter.ForConsole();
                var result =
                    await FashionMnistDemoJob.RunAsync(options, Console.Out, reporter.Report, cancellationToken);
                Console.WriteLine();
                Console.WriteLine($"Linear-probe test accuracy on Fashion-MNIST: AAVAE embedding " +
                                  $"{result.AavaeAccuracy:P2}" + string.Concat(result.Comparison.Skip(1)
                                      .Select(s => $", {s.Name} {s.ProbeAccuracy:P2}")) +
                                  " (same run, same probe).");
                Console.WriteLine($"Pretraining {Duration.Format(result.PretrainTime)}, " +
                                  $"total {Duration.Format(result.TotalTime)}. " +
                                  $"Report: {Path.Combine(result.OutputDirectory, "report.md")}");
                return 0;
            }));
        return command;
    }
}
