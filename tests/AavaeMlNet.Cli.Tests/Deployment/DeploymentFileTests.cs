using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AavaeMlNet.Cli.Tests.Deployment;

/// <summary>The files of deploy/: the Slurm array script run as Slurm runs a task; the Kubernetes Job's counts.
/// </summary>
[Collection(PretrainedModelCollection.Name)]
public class DeploymentFileTests(PretrainedModel model)
{
    private static string Deploy(string name) =>
        Path.Combine(BuildLayout.RepositoryRoot, "deploy", name);

    [Fact]
    public void Slurm_writes_its_logs_where_no_folder_has_to_exist_and_asks_for_as_many_tasks_as_it_says()
    {
        string script = File.ReadAllText(Deploy("slurm-embed-array.sh"));

        // Slurm opens --output and --error before the script runs and creates no folder for them.
        var logs = Regex.Matches(script, @"^#SBATCH --(?:output|error)=(\S+)", RegexOptions.Multiline);
        Assert.NotEmpty(logs);
        Assert.All(logs, log => Assert.DoesNotContain("/", log.Groups[1].Value));
        Assert.Matches(@"(?m)^#SBATCH --array=0-7$", script);
        Assert.Contains("embeds one input in 8 shards", script);
    }

    [LinuxFact]
    public void A_Slurm_task_run_as_Slurm_runs_it_writes_its_shard()
    {
        string directory = TinyData.NewDirectory("slurm-task");
        TinyData.WritePngFolder(directory, perClass: 4); // images/, as the script reads
        File.Copy(model.ModelPath, Path.Combine(directory, "model.zip"));
        string bin = Path.Combine(directory, "bin");
        Directory.CreateDirectory(bin);
        string tool = Path.Combine(bin, "aavae");
        File.WriteAllText(tool, $"#!/bin/sh\nexec dotnet '{CliProcess.ToolPath}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo("bash", [Deploy("slurm-embed-array.sh")])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["SLURM_ARRAY_TASK_ID"] = "3";
        start.Environment["SLURM_ARRAY_TASK_COUNT"] = "8";
        start.Environment["SLURM_ARRAY_TASK_MIN"] = "0";
        start.Environment["SLURM_ARRAY_TASK_MAX"] = "7";
        start.Environment["SLURM_CPUS_PER_TASK"] = "1";

        var result = ChildProcess.Run(start, TimeSpan.FromMinutes(2), "the Slurm task");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("(shard 3/8 of 16)", result.Stdout);
        var rows = Commands.EmbedCommandTests.ReadParquet(Path.Combine(directory, "out", "shard-3.parquet"));
        Assert.Equal([3L, 11L], rows.Select(r => r.Index));
    }

    [Fact]
    public void The_Kubernetes_Job_passes_its_completions_as_the_shard_count()
    {
        string job = File.ReadAllText(Deploy("kubernetes-embed-job.yaml"));

        string completions = Regex.Match(job, @"(?m)^\s+completions: (\d+)$").Groups[1].Value;
        Assert.Equal("Indexed", Regex.Match(job, @"(?m)^\s+completionMode: (\w+)$").Groups[1].Value);
        Assert.Equal(completions, Regex.Match(job, @"--shard-count (\d+)").Groups[1].Value);
        Assert.Equal(completions, Regex.Match(job, @"(?m)^\s+parallelism: (\d+)$").Groups[1].Value);
        Assert.Contains("--shard auto", job);
        Assert.Contains("shard-${JOB_COMPLETION_INDEX}", job);
    }
}
