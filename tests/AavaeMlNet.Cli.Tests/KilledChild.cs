using System.Diagnostics;
using System.Text;

namespace AavaeMlNet.Cli.Tests;

/// <summary>
/// Signals the tool at a point it announces, without racing it: the thread that reads the child's output stops it
/// (SIGSTOP) on the line that marks the point, so the child cannot work on, finish or write more while this process
/// is slow to act; then it is killed (SIGKILL), or interrupted and continued. Every wait is bounded.
/// </summary>
internal static class KilledChild
{
    /// <summary>
    /// Runs the tool until the first stdout line for which <paramref name="marker"/> holds, then kills it with
    /// SIGKILL; returns its exit code (137 when the signal killed it) and the output it wrote.
    /// </summary>
    public static CliResult RunUntil(string directory, IReadOnlyDictionary<string, string> environment,
        string[] args, Func<string, bool> marker) =>
        RunSignalled(directory, environment, args, marker, process =>
        {
            PosixSignals.Send(process.Id, PosixSignals.Stop);
            process.Kill(entireProcessTree: true); // SIGKILL reaches a stopped process too
        });

    /// <summary>
    /// Runs the tool; on the first stdout line for which <paramref name="marker"/> holds, the thread that read it
    /// calls <paramref name="signal"/> (which should begin with SIGSTOP, so the child cannot run on) and reads on
    /// until the child exits. Every wait is bounded; the child is killed in finally.
    /// </summary>
    public static CliResult RunSignalled(string directory, IReadOnlyDictionary<string, string> environment,
        string[] args, Func<string, bool> marker, Action<Process> signal)
    {
        var limit = TimeSpan.FromMinutes(2);
        using var process = CliProcess.Start(directory, environment, args);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = Task.Run(() =>
            {
                var text = new StringBuilder();
                bool signalled = false;
                while (process.StandardOutput.ReadLine() is { } line)
                {
                    text.AppendLine(line);
                    if (signalled || !marker(line)) continue;
                    signal(process);
                    signalled = true;
                }
                return (Text: text.ToString(), Signalled: signalled);
            });
            if (!stdout.Wait(limit) || !process.WaitForExit(limit))
                throw new TimeoutException($"aavae {string.Join(' ', args)} did not finish in {limit}.");
            Assert.True(stdout.Result.Signalled, $"the run ended before its marker line:\n{stdout.Result.Text}");
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
