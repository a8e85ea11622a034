using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Data.Download;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae data verify|fetch`: check a data set directory against its manifest, or download it.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var verify = new Command("verify",
            "Check every file of a data set against its manifest; exit code 1 lists every problem.");
        var (verifyManifest, verifyDir) = AddCommon(verify);
        verify.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            () => Task.FromResult(Report(
                DataJob.Verify(parse.GetValue(verifyManifest)!, parse.GetValue(verifyDir)!, cancellationToken)))));

        var fetch = new Command("fetch",
            "Download the files of a data set that are missing or wrong, then verify them.");
        var (fetchManifest, fetchDir) = AddCommon(fetch);
        var mirror = new Option<string?>("--mirror")
        {
            Description = "Base URL to download the files from instead of the official addresses.",
        };
        fetch.Options.Add(mirror);
        fetch.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            async () => Report(await DataJob.FetchAsync(parse.GetValue(fetchManifest)!, parse.GetValue(fetchDir)!,
                parse.GetValue(mirror), Console.Out, cancellationToken))));

        return new Command("data", "Data set manifests: verify and fetch.") { verify, fetch };
    }

    private static (Option<string> Manifest, Option<string> Directory) AddCommon(Command command)
    {
        var manifest = new Option<string>("--manifest")
        {
            Description = "Built-in manifest (cifar10, stl10, fashion-mnist) or manifest JSON file.",
            Required = true,
        };
        var directory = new Option<string>("--data-dir", "--dir")
        {
            Description = "The data set directory.",
            Required = true,
        };
        command.Options.Add(manifest);
        command.Options.Add(directory);
        return (manifest, directory);
    }

    private static int Report(VerificationResult result)
    {
        if (result.IsValid)
        {
            Console.WriteLine(result.ToString());
            return 0;
        }
        foreach (var problem in result.Problems) Console.Error.WriteLine($"aavae: {problem.Kind}: {problem.Message}");
        Console.Error.WriteLine($"aavae: {result.Problems.Count} problem(s) in '{result.Directory}'.");
        return CommandRunner.UserError;
    }
}
