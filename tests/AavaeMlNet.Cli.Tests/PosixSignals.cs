using System.Runtime.InteropServices;

namespace AavaeMlNet.Cli.Tests;

/// <summary>
/// Real POSIX signals to a child process, sent with libc's kill(2) directly: no helper process (procps' /bin/kill
/// may be absent, and starting bash takes long enough on a busy machine for the child to run on past the point the
/// test chose).
/// </summary>
internal static class PosixSignals
{
    // Linux numbers (x86-64 and arm64 alike).
    public const int Interrupt = 2;
    public const int Terminate = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    public static void Send(int processId, int signal)
    {
        if (kill(processId, signal) != 0)
            throw new InvalidOperationException(
                $"kill({processId}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>
    /// What Ctrl-C amounts to for a child of this process: SIGINT, or SIGTERM (which the CLI handles the same way)
    /// where this process ignores SIGINT. A process started from a non-interactive shell's background job inherits
    /// SIGINT as ignored, and so does every child; the CLI cannot see a Ctrl-C then.
    /// </summary>
    public static int CtrlC => SigIntIgnored() ? Terminate : Interrupt;

    // Bit 2 (SIGINT) of the SigIgn mask in /proc/self/status: inherited by the CLI child started from here.
    private static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        ulong mask = Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16);
        return (mask & (1UL << (Interrupt - 1))) != 0;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
