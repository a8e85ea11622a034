using System.Diagnostics;

namespace AavaeMlNet.Notebooks.Tests;

/// <summary>
/// Every notebook is also a C# file-based app: `dotnet run notebooks/NAME.cs` builds it (its #:project lines build the
/// libraries), runs it with the small settings, exits with 0 and writes the PNGs whose paths it prints.
/// </summary>
public class FileBasedAppTests
{
    [Theory]
    [MemberData(nameof(RepositoryPaths.NotebookNames), MemberType = typeof(RepositoryPaths))]
    public async Task File_based_app_exits_with_0_and_writes_the_pngs_it_prints(string name)
    {
        string output = TestDirectory.New($"{name}-app");
        try
        {
            // Release, without rebuilding the libraries: building this test project built them for notebooks/lib, and
            // other test projects running beside this one may be reading or building the same outputs.
            var (exitCode, log) = await DotnetAsync(
            [
                "run", "-c", "Release", "-p:BuildProjectReferences=false", Path.Combine("notebooks", name + ".cs"),
                "--", "--small", "--output", output,
            ]);

            Assert.True(exitCode == 0, $"dotnet run notebooks/{name}.cs exited with {exitCode}:\n{log}");
            var printed = log.Split('\n')
                .Where(l => l.StartsWith("plot: ", StringComparison.Ordinal))
                .Select(l => l["plot: ".Length..].Trim())
                .ToList();
            Assert.NotEmpty(printed);
            Assert.Equal(printed.Order(), Directory.GetFiles(output, "*.png").Order());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Log)> DotnetAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"dotnet {string.Join(' ', arguments)} ran past 8 minutes:\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
