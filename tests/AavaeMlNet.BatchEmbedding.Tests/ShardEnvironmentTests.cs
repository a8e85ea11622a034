using AavaeMlNet.BatchEmbedding;

namespace AavaeMlNet.BatchEmbedding.Tests;

public class ShardEnvironmentTests
{
    private static Dictionary<string, string> Slurm(int id, int count, int min, int max) => new()
    {
        ["SLURM_ARRAY_TASK_ID"] = $"{id}", ["SLURM_ARRAY_TASK_COUNT"] = $"{count}",
        ["SLURM_ARRAY_TASK_MIN"] = $"{min}", ["SLURM_ARRAY_TASK_MAX"] = $"{max}",
    };

    // The message in API words (the parameters shard and shardCount), without .NET's "(Parameter ...)" suffix.
    private static string Error(string text, int? count, Dictionary<string, string> environment)
    {
        var error = Assert.Throws<ArgumentException>(() => ShardEnvironment.Resolve(text, count, environment));
        Assert.Contains(error.ParamName, new[] { "shard", "shardCount", null });
        return error.ParamName is { } name ? error.Message.Replace($" (Parameter '{name}')", "") : error.Message;
    }

    [Fact]
    public void Kubernetes_index_with_the_completions_count_names_the_shard()
    {
        var environment = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "3" };
        Assert.Equal(new Shard(3, 8), ShardEnvironment.Resolve("auto", 8, environment));
        Assert.Equal("shard auto found JOB_COMPLETION_INDEX=3 (a Kubernetes Indexed Job) but no shardCount: " +
                     "pass the Job's completions count, e.g. shardCount 8.", Error("auto", null, environment));
        Assert.Equal("JOB_COMPLETION_INDEX=3 is outside 0..2 (shardCount 3).", Error("auto", 3, environment));
    }

    [Fact]
    public void Slurm_array_ids_count_from_the_array_minimum()
    {
        Assert.Equal(new Shard(0, 4), ShardEnvironment.Resolve("auto", null, Slurm(1, 4, 1, 4)));
        Assert.Equal(new Shard(3, 4), ShardEnvironment.Resolve("auto", 4, Slurm(7, 4, 4, 7)));
    }

    [Fact]
    public void Inconsistent_or_missing_variables_are_errors_naming_them()
    {
        Assert.Equal("SLURM_ARRAY_TASK_COUNT=5 but SLURM_ARRAY_TASK_MIN=0 and SLURM_ARRAY_TASK_MAX=8 span 9 tasks: " +
                     "only contiguous arrays with step 1 are supported (for example an array of tasks 0-7).",
            Error("auto", null, Slurm(2, 5, 0, 8)));
        Assert.Equal("shardCount 3 disagrees with SLURM_ARRAY_TASK_COUNT=4.", Error("auto", 3, Slurm(1, 4, 0, 3)));
        var partial = Slurm(1, 4, 0, 3);
        partial.Remove("SLURM_ARRAY_TASK_MIN");
        Assert.Equal("shard auto: SLURM_ARRAY_TASK_MIN is not set, though the other variables of a Slurm job " +
                     "array are.", Error("auto", null, partial));
        Assert.Equal("shard auto: JOB_COMPLETION_INDEX='x' is not an integer.",
            Error("auto", 2, new() { ["JOB_COMPLETION_INDEX"] = "x" }));
        Assert.Equal("shard auto needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job, with shardCount N) or " +
                     "SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX " +
                     "(a Slurm job array); none of them is set.", Error("auto", null, []));
        var both = Slurm(0, 1, 0, 0);
        both["JOB_COMPLETION_INDEX"] = "0";
        Assert.Contains("found both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm)",
            Error("auto", 1, both));
    }

    [Fact]
    public void An_explicit_shard_must_agree_with_the_shard_count()
    {
        Assert.Equal(new Shard(1, 4), ShardEnvironment.Resolve("1/4", 4, new Dictionary<string, string>()));
        Assert.Equal("shard 1/4 disagrees with shardCount 3.", Error("1/4", 3, []));
    }
}
