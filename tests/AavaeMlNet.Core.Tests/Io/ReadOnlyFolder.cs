using System.Diagnostics;

namespace AavaeMlNet.Core.Tests.Io;

/// <summary>
/// Makes a folder refuse new files. Permission bits do not bind a privileged user (root in a container); the
/// immutable flag (chattr +i) does, where the file system and the user's capabilities allow it.
/// </summary>
internal static class ReadOnlyFolder
{
    private static readonly Lazy<bool> Supported = new(Probe);

    /// <summary>Whether <see cref="MakeReadOnly"/> works on this machine's temp folder.</summary>
    public static bool IsSupported => Supported.Value;

    public static bool MakeReadOnly(string directory)
    {
        if (OperatingSystem.IsWindows()) return false;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (!CanCreateFileIn(directory) || (Chattr("+i", directory) && !CanCreateFileIn(directory))) return true;
        MakeWritable(directory);
        return false;
    }

    public static void MakeWritable(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        Chattr("-i", directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool Probe()
    {
        string directory = TestDirectory.New("read-only-probe");
        try
        {
            return MakeReadOnly(directory);
        }
        finally
        {
            MakeWritable(directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool CanCreateFileIn(string directory)
    {
        string probe = Path.Combine(directory, "probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static bool Chattr(string flag, string path)
    {
        try
        {
            var start = new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true };
            using var process = Process.Start(start)!;
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no chattr on this machine
        }
    }
}

/// <summary>A fact that needs a folder that refuses new files: reported as skipped where none can be made.</summary>
public sealed class ReadOnlyFolderFactAttribute : FactAttribute
{
    public ReadOnlyFolderFactAttribute()
    {
        if (!ReadOnlyFolder.IsSupported)
            Skip = "neither permission bits nor the immutable flag (chattr +i) make a folder read-only here.";
    }
}
