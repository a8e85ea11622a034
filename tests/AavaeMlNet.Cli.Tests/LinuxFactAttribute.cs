namespace AavaeMlNet.Cli.Tests;

/// <summary>
/// A fact that sends POSIX signals and reads /proc: it runs on Linux and is reported as skipped elsewhere.
/// </summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "sends POSIX signals and reads /proc/self/status: Linux only.";
    }
}
