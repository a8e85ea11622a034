using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Evaluation.Embeddings;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae embed`: batch embedding to Parquet or CSV, sharded and resumable.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m")
        {
            Description = "ML.NET model zip (the AAVAE transformer alone or a pipeline).",
            Required = true,
        };
        var input = new Option<string>("--input", "-i")
        {
            Description = "Image folder, IDX images file, or MANIFEST@PART (with --data-dir).",
            Required = true,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "File to write: .parquet or .csv.",
            Required = true,
        };
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
            Description = "Embed only rows with index % n == i, written as 'i/n'; " +
                "the n shards are disjoint and cover the input.",
            DefaultValueFactory = _ => "0/1",
        };
        var chunk = new Option<int>("--batch-size", "--chunk-size")
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

        var command = new Command("embed",
            "Embed images with a saved model. Progress is kept in <output>.parts/ (one file per chunk): " +
            "rerun the same command after a kill to finish without duplicates.")
        {
            model, input, output, labels, dataDir, format, shard, chunk, column, imageColumn,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose), async () =>
        {
            var options = new EmbedJobOptions
            {
                ModelPath = parse.GetValue(model)!, Input = parse.GetValue(input)!, Output = parse.GetValue(output)!,
                Labels = parse.GetValue(labels), DataDirectory = parse.GetValue(dataDir), Format = parse.GetValue(format),
                Shard = Shard.Parse(parse.GetValue(shard)!), ChunkSize = parse.GetValue(chunk), Column = parse.GetValue(column)!,
                ImageColumn = parse.GetValue(imageColumn),
            };
            var result = await EmbedJob.RunAsync(options, Console.Out, cancellationToken);
            Console.WriteLine($"Wrote {result.Rows:N0} embeddings of size {result.EmbeddingSize} to {result.Output}.");
            if (result.RejectsPath is { } rejects)
                Console.WriteLine($"Skipped {result.Rejected:N0} unreadable image(s); listed in {rejects}.");
            return 0;
        }));
        return command;
    }
}
