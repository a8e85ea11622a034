using System.Collections;

namespace AavaeMlNet.BatchEmbedding;

/// <summary>
/// Resolves the shard "auto" from the environment of the engine that started the process: a Kubernetes Indexed Job
/// (JOB_COMPLETION_INDEX, with the Job's completions count given as the shard count) or a Slurm job array
/// (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_MAX; contiguous arrays with
/// step 1, e.g. --array=0-7 or --array=1-8).
/// </summary>
public static class ShardEnvironment
{
    public const string KubernetesIndex = "JOB_COMPLETION_INDEX";
    public const string SlurmTaskId = "SLURM_ARRAY_TASK_ID";
    public const string SlurmTaskCount = "SLURM_ARRAY_TASK_COUNT";
    public const string SlurmTaskMin = "SLURM_ARRAY_TASK_MIN";
    public const string SlurmTaskMax = "SLURM_ARRAY_TASK_MAX";

    /// <summary>The shard that <paramref name="shard"/> ("i/n" or "auto") names; <paramref name="shardCount"/>: the
    /// number of shards where known (required for "auto" in a Kubernetes Indexed Job), or null.</summary>
    public static Shard Resolve(string shard, int? shardCount) => Resolve(shard, shardCount, Current());

    /// <summary>As <see cref="Resolve(string, int?)"/>, reading the variables from <paramref name="environment"/>.
    /// </summary>
    public static Shard Resolve(string shard, int? shardCount, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (shardCount is < 1)
            throw new ArgumentException($"shardCount {shardCount} must be at least 1.", nameof(shardCount));
        if (shard != "auto")
        {
            var parsed = Shard.Parse(shard);
            if (shardCount is { } n && n != parsed.Count)
                throw new ArgumentException($"shard {shard} disagrees with shardCount {n}.", nameof(shard));
            return parsed;
        }
        bool kubernetes = environment.ContainsKey(KubernetesIndex), slurm = environment.ContainsKey(SlurmTaskId);
        if (kubernetes && slurm)
            throw new ArgumentException(
                $"shard auto found both {KubernetesIndex} (Kubernetes) and {SlurmTaskId} (Slurm); unset one.",
                nameof(shard));
        if (kubernetes) return FromKubernetes(environment, shardCount);
        if (slurm) return FromSlurm(environment, shardCount);
        throw new ArgumentException(
            $"shard auto needs {KubernetesIndex} (a Kubernetes Indexed Job, with shardCount N) " +
            $"or {SlurmTaskId}, {SlurmTaskCount}, {SlurmTaskMin} and {SlurmTaskMax} (a Slurm job array); " +
            "none of them is set.", nameof(shard));
    }

    private static Shard FromKubernetes(IReadOnlyDictionary<string, string> environment, int? count)
    {
        int index = Integer(environment, KubernetesIndex, "a Kubernetes Indexed Job");
        if (count is not { } n)
            throw new ArgumentException(
                $"shard auto found {KubernetesIndex}={index} (a Kubernetes Indexed Job) but no shardCount: " +
                "pass the Job's completions count, e.g. shardCount 8.", "shard");
        if (index < 0 || index >= n)
            throw new ArgumentException($"{KubernetesIndex}={index} is outside 0..{n - 1} (shardCount {n}).");
        return new Shard(index, n);
    }

    private static Shard FromSlurm(IReadOnlyDictionary<string, string> environment, int? count)
    {
        const string what = "a Slurm job array";
        int id = Integer(environment, SlurmTaskId, what);
        int tasks = Integer(environment, SlurmTaskCount, what);
        int min = Integer(environment, SlurmTaskMin, what), max = Integer(environment, SlurmTaskMax, what);
        if (max - min + 1 != tasks)
            throw new ArgumentException(
                $"{SlurmTaskCount}={tasks} but {SlurmTaskMin}={min} and {SlurmTaskMax}={max} span {max - min + 1} " +
                "tasks: only contiguous arrays with step 1 are supported (for example an array of tasks 0-7).");
        if (id < min || id > max)
            throw new ArgumentException(
                $"{SlurmTaskId}={id} is outside {SlurmTaskMin}..{SlurmTaskMax} ({min}..{max}).");
        if (count is { } n && n != tasks)
            throw new ArgumentException($"shardCount {n} disagrees with {SlurmTaskCount}={tasks}.", "shardCount");
        return new Shard(id - min, tasks);
    }

    private static int Integer(IReadOnlyDictionary<string, string> environment, string name, string what)
    {
        if (!environment.TryGetValue(name, out var text))
            throw new ArgumentException(
                $"shard auto: {name} is not set, though the other variables of {what} are.", "shard");
        if (!int.TryParse(text, out int value))
            throw new ArgumentException($"shard auto: {name}='{text}' is not an integer.", "shard");
        return value;
    }

    private static Dictionary<string, string> Current() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
}
