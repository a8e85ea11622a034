namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>`embed --shard auto` under each engine's variables, killed and rerun, then `embed merge`.</summary>
[Collection(PretrainedModelCollection.Name)]
public class ShardedEmbedTests(PretrainedModel model)
{
    private static Dictionary<string, string> Environment(string engine, int task) => engine == "kubernetes"
        ? new() { ["JOB_COMPLETION_INDEX"] = $"{task}" }
        : new()
        {
            ["SLURM_ARRAY_TASK_ID"] = $"{5 + task}", ["SLURM_ARRAY_TASK_COUNT"] = "3",
            ["SLURM_ARRAY_TASK_MIN"] = "5", ["SLURM_ARRAY_TASK_MAX"] = "7",
        };

    [Theory]
    [InlineData("kubernetes")]
    [InlineData("slurm")]
    public void Shards_killed_and_rerun_merge_to_the_bytes_of_one_process(string engine)
    {
        string directory = TinyData.NewDirectory("shards-" + engine);
        string images = TinyData.WriteIdx(directory, 600, seed: 7, prefix: "many");
        string[] common = ["embed", "--model", model.ModelPath, "--input", images, "--chunk-size", "4"];
        CliProcess.Succeed(directory, [.. common, "--output", "single.csv"]);
        var random = new Random(engine.Length);
        var shards = new List<string>();
        for (int task = 0; task < 3; task++)
        {
            string output = Path.Combine(directory, $"shard-{task}.csv");
            string[] args = [.. common, "--output", output, "--shard", "auto",
                .. engine == "kubernetes" ? new[] { "--shard-count", "3" } : []];
            int killAfterParts = random.Next(1, 6); // of 50 parts per shard
            var killed = KilledChild.RunUntil(directory, Environment(engine, task), args,
                line => line.StartsWith($"part {killAfterParts}/", StringComparison.Ordinal));
            Assert.Equal(137, killed.ExitCode);
            Assert.True(PartsDone(output) >= killAfterParts, $"shard {task}: {PartsDone(output)} part(s) on disk");
            Assert.False(File.Exists(output + ".manifest.json"), $"shard {task} finished before it was killed");
            var rerun = CliProcess.Run(directory, Environment(engine, task), args);
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            Assert.Contains($"(shard {task}/3 of 600)", rerun.Stdout);
            shards.Add(output);
        }

        var incomplete = CliProcess.Run(directory, "embed", "merge", "-o", "merged.csv", shards[0], shards[2]);
        CliProcess.AssertUserError(incomplete, "Cannot merge the shards: shard(s) 1/3 missing.");
        CliProcess.Succeed(directory, ["embed", "merge", "-o", "merged.csv", .. shards]);

        Assert.Equal(File.ReadAllBytes(Path.Combine(directory, "single.csv")),
            File.ReadAllBytes(Path.Combine(directory, "merged.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(directory, "single.csv.manifest.json")),
            File.ReadAllText(Path.Combine(directory, "merged.csv.manifest.json")));
    }

    private static int PartsDone(string output) =>
        Directory.Exists(output + ".parts") ? Directory.GetFiles(output + ".parts", "part-*.csv").Length : 0;
}
