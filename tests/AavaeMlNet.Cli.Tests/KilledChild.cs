using System.Diagnostics;
using System.Text;

namespace AavaeMlNet.Cli.Tests;

/// <summary>
/// Kills the tool at a point it announces, without racing it: the thread that reads the child's output stops it
/// (SIGSTOP) on the line that marks the point, so the child cannot work on, finish or write more while this process
/// is slow to act; then it is killed (SIGKILL) and reaped. Every wait is bounded.
/// </summary>
internal static class KilledChild
{
    /// <summary>
    /// Runs the tool until the first stdout line for which <paramref name="marker"/> holds, then kills it with
    /// SIGKILL; returns its exit code (137 when the signal killed it) and the output it wrote.
    /// </summary>
    public static CliResult RunUntil(string directory, IReadOnlyDictionary<string, string> environment,
        string[] args, Func<string, bool> marker)
    {
        var limit = TimeSpan.FromMinutes(2);
        using var process = CliProcess.Start(directory, environment, args);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = Task.Run(() =>
            {
                var text = new StringBuilder();
                bool stopped = false;
                while (process.StandardOutput.ReadLine() is { } line)
                {
                    text.AppendLine(line);
                    if (stopped || !marker(line)) continue;
                    PosixSignals.Send(process.Id, PosixSignals.Stop);
                    stopped = true;
                    process.Kill(entireProcessTree: true); // SIGKILL reaches a stopped process too
                }
                return (Text: text.ToString(), Stopped: stopped);
            });
            if (!stdout.Wait(limit) || !process.WaitForExit(limit))
                throw new TimeoutException($"aavae {string.Join(' ', args)} did not finish in {limit}.");
            Assert.True(stdout.Result.Stopped, $"the run ended before its marker line:\n{stdout.Result.Text}");
            return new CliResult(process.ExitCode, stdout.Result.Text, stderr.Result);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <inheritdoc cref="RunUntil(string, IReadOnlyDictionary{string, string}, string[], Func{string, bool})"/>
    public static CliResult RunUntil(string directory, string[] args, Func<string, bool> marker) =>
        RunUntil(directory, new Dictionary<string, string>(), args, marker);
}
