namespace AavaeMlNet.Cli.Tests;

/// <summary>
/// A fact that needs Linux (by default because it sends POSIX signals and reads /proc; <see cref="Reason"/> says
/// otherwise): it runs on Linux and is reported as skipped elsewhere.
/// </summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    private string reason = "sends POSIX signals and reads /proc/self/status";

    public LinuxFactAttribute()
    {
        Reason = reason;
    }

    /// <summary>Why the fact needs Linux, shown when it is skipped.</summary>
    public string Reason
    {
        get => reason;
        set
        {
            reason = value;
            if (!OperatingSystem.IsLinux()) Skip = $"{value}: Linux only.";
        }
    }
}
