using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.BatchEmbedding;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae embed`: batch embedding to Parquet or CSV, sharded and resumable; `aavae embed merge`.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m")
        {
            Description = "ML.NET model zip (the AAVAE transformer alone or a pipeline).",
        };
        var input = new Option<string>("--input", "-i")
        {
            Description = "Image folder, IDX images file, or MANIFEST@PART (with --data-dir).",
        };
        var output = new Option<string>("--output", "-o") { Description = "File to write: .parquet or .csv." };
        var labels = new Option<string?>("--labels")
        {
            Description = "IDX labels file (default: the sibling *labels-idx1* file when present).",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Data directory of a MANIFEST@PART input." };
        var format = new Option<string?>("--format")
        {
            Description = "Output format (default: from the output's extension).",
        };
        format.AcceptOnlyFromAmong("parquet", "csv");
        var shard = new Option<string>("--shard")
        {
            Description = "Embed only rows with index % n == i, written as 'i/n'; or auto: i and n from a Kubernetes " +
                          "Indexed Job (JOB_COMPLETION_INDEX, with --shard-count) or a Slurm job array " +
                          "(SLURM_ARRAY_TASK_ID, _COUNT, _MIN, _MAX).",
            DefaultValueFactory = _ => "0/1",
        };
        var shardCount = new Option<int?>("--shard-count")
        {
            Description = "Number of shards n (for --shard auto on Kubernetes: the Job's completions).",
        };
        var chunk = new Option<int>("--chunk-size")
        {
            Description = "Rows per chunk: per call into the model and per part file (the unit kept after a kill).",
            DefaultValueFactory = _ => 1024,
        };
        var column = new Option<string>("--column")
        {
            Description = "Embedding column of the model.",
            DefaultValueFactory = _ => "Embedding",
        };
        var imageColumn = new Option<string?>("--image-column")
        {
            Description = "Pixel input column of the model (default: 'Image').",
        };
        var onBadImage = CommonOptions.OnBadImage(UndecodableImagePolicy.Skip, "<output>.rejects.csv");
        var int8 = new Option<bool>("--int8")
        {
            Description = "Embed with the int8 encoder beside the model (X.int8.onnx, from `aavae pretrain --int8`): " +
                          "about twice as fast on the CPU, embeddings within a cosine of 0.99 of the float ones " +
                          "(typically 0.9999).",
        };

        var command = new Command("embed",
            "Embed images with a saved model. Progress is kept in <output>.parts/ (one file per chunk): " +
            "rerun the same command after a kill to finish without duplicates.")
        {
            model, input, output, labels, dataDir, format, shard, shardCount, chunk, column, imageColumn, onBadImage,
            int8,
        };
        command.Subcommands.Add(MergeCommand());
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            async () =>
            {
                var options = new EmbedJobOptions
                {
                    ModelPath = Required(parse.GetValue(model), "--model"),
                    Input = Required(parse.GetValue(input), "--input"),
                    Output = Required(parse.GetValue(output), "--output"),
                    Labels = parse.GetValue(labels),
                    DataDirectory = parse.GetValue(dataDir),
                    Format = parse.GetValue(format),
                    Shard = ShardEnvironment.Resolve(parse.GetValue(shard)!, parse.GetValue(shardCount)),
                    ChunkSize = parse.GetValue(chunk),
                    Column = parse.GetValue(column)!,
                    ImageColumn = parse.GetValue(imageColumn),
                    OnBadImage = CommonOptions.ParseOnBadImage(parse.GetValue(onBadImage)),
                    Int8 = parse.GetValue(int8),
                };
                var result = await EmbedJob.RunAsync(options, Console.Out, cancellationToken);
                Console.WriteLine(
                    $"Wrote {result.Rows:N0} embeddings of size {result.EmbeddingSize} to {result.Output}.");
                if (result.RejectsPath is { } rejects)
                    Console.WriteLine($"Skipped {result.Rejected:N0} unreadable image(s); listed in {rejects}.");
                return 0;
            }));
        return command;
    }

    // Required on `embed` itself, but not on `embed merge`: System.CommandLine would ask them of the subcommand too.
    private static string Required(string? value, string flag) =>
        value ?? throw new ArgumentException($"Option '{flag}' is required.");

    private static Command MergeCommand()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "The merged file: .parquet or .csv.",
            Required = true,
        };
        var shards = new Argument<string[]>("shards")
        {
            Description = "The finished shard outputs (each with its .manifest.json), e.g. out/shard-*.parquet.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("merge",
            "Check that the shards of one embed job are complete (every index once, one model, one input, one " +
            "embedding size) and write them as one file in input order; refuses, listing what is missing.")
        {
            output, shards,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            async () =>
            {
                string target = parse.GetValue(output)!;
                var format = EmbeddingFileFormat.Resolve(null, target);
                var result = await EmbeddingShardMerge.MergeAsync(parse.GetValue(shards)!, target, format,
                    cancellationToken);
                Console.WriteLine($"Merged {result.PartsWritten} shard(s): {result.Rows:N0} embeddings of size " +
                                  $"{result.EmbeddingSize} in {result.Output}.");
                return 0;
            }));
        return command;
    }
}
