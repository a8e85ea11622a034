using System.Diagnostics;

namespace AavaeMlNet.Cli.Tests;

/// <summary>What one run of the tool printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the built `aavae` tool as its own process (`dotnet aavae.dll ...`), as a user would.</summary>
public static class CliProcess
{
    /// <summary>aavae.dll of the same configuration as this test assembly.</summary>
    public static string ToolPath { get; } = BuildLayout.Output(Path.Combine("src", "AavaeMlNet.Cli"), "aavae.dll");

    public static Process Start(string workingDirectory, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts the tool with extra environment variables (those an engine such as Slurm would set).</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment,
        params string[] args) =>
        Process.Start(StartInfo(workingDirectory, environment, args))!;

    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string> environment,
        string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [ToolPath, .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["CI"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    public static CliResult Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string>(), args);

    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string> environment,
        params string[] args) =>
        ChildProcess.Run(StartInfo(workingDirectory, environment, args), TimeSpan.FromMinutes(2),
            $"aavae {string.Join(' ', args)}");

    /// <summary>Asserts success and returns the result.</summary>
    public static CliResult Succeed(string workingDirectory, params string[] args)
    {
        var result = Run(workingDirectory, args);
        Assert.True(result.ExitCode == 0, $"aavae {string.Join(' ', args)} failed:\n{result}");
        return result;
    }

    /// <summary>A user error: exit code 1, the one-line message on stderr, no stack trace.</summary>
    public static void AssertUserError(CliResult result, string expectedText)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(expectedText, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain("internal error", result.Stderr);
    }
}
