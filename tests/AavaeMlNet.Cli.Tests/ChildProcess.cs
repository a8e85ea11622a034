using System.Diagnostics;

namespace AavaeMlNet.Cli.Tests;

/// <summary>Runs one child process to its end within a time limit; however the wait ends, the child ends too.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="start"/> with its output captured; past <paramref name="timeout"/> it is killed with its
    /// children and the call throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.
    /// </summary>
    public static CliResult Run(ProcessStartInfo start, TimeSpan timeout, string what)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout) || !Task.WaitAll([stdout, stderr], TimeSpan.FromMinutes(1)))
                throw new TimeoutException($"{what} did not finish in {timeout.TotalMinutes:0.#} minutes.");
            return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
