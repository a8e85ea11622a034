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
        string[] args) => StartInfo("dotnet", [ToolPath, .. args], workingDirectory, environment);

    private static ProcessStartInfo StartInfo(string program, string[] arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program, arguments)
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

    /// <summary>
    /// Runs the tool with no file it writes allowed past <paramref name="kibibytes"/> KiB (RLIMIT_FSIZE, with SIGXFSZ
    /// ignored): a write that goes further fails with EFBIG in the middle of its bytes, as on a full disk. Linux.
    /// </summary>
    public static CliResult RunWithFileSizeLimit(string workingDirectory, long kibibytes, params string[] args)
    {
        // W^X maps the JIT's code through a memory file larger than any small limit; without it the runtime starts.
        var environment = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" };
        string script = "ulimit -f \"$0\" && trap '' XFSZ && exec dotnet \"$@\"";
        var start = StartInfo("bash", ["-c", script, kibibytes.ToString(), ToolPath, .. args], workingDirectory,
            environment);
        return ChildProcess.Run(start, TimeSpan.FromMinutes(2), $"aavae {string.Join(' ', args)} (ulimit -f)");
    }

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
