using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Commands;

/// <summary>
/// `aavae inspect similarity|reconstructions|map`: the paper's qualitative analyses as JSON, markdown and PNG.
/// </summary>
internal static class InspectCommand
{
    public static Command Create() => new("inspect",
        "Qualitative analyses of a pretrained model: view similarity, reconstructions, a 2-D map.")
    {
        Analysis("similarity", "Cosine similarity of augmented views of several images (paper Fig. 5).",
            InspectJob.Similarity),
        Analysis("reconstructions", "Originals above their reconstructions (needs the TorchSharp checkpoint).",
            InspectJob.Reconstructions),
        Analysis("map", "2-D PCA map of the embeddings coloured by label.", InspectJob.Map),
    };

    private static Command Analysis(string name, string description,
        Func<InspectJobOptions, CancellationToken, string> run)
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "TorchSharp checkpoint (encoder.ckpt)." };
        var model = new Option<string?>("--model", "-m")
        {
            Description = "ML.NET model zip (encoder.ckpt beside it serves as the checkpoint).",
        };
        var input = new Option<string>("--input", "-i")
        {
            Description = "Image folder, IDX images file, or MANIFEST@PART (with --data-dir).",
            Required = true,
        };
        var labels = new Option<string?>("--labels") { Description = "IDX labels file." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Data directory of a MANIFEST@PART input." };
        var outputDir = new Option<string>("--output", "-o", "--output-dir")
        {
            Description = "Directory where NAME.json, NAME.md and NAME.png go.",
            DefaultValueFactory = _ => ".",
        };
        var images = new Option<int?>("--images") { Description = "Images to use (default: 8; map: 1000)." };
        var views = new Option<int>("--views")
        {
            Description = "Augmented views per image (similarity).",
            DefaultValueFactory = _ => 4,
        };
        var seed = new Option<long>("--seed")
        {
            Description = "Seed of the augmentation draws (the library's default seed, as every command).",
            DefaultValueFactory = _ => AavaeSettings.DefaultSeed,
        };
        var command = new Command(name, description)
        {
            checkpoint, model, input, labels, dataDir, outputDir, images, views, seed,
        };
        command.SetAction((parse, cancellationToken) =>
            CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose), () =>
            {
                var options = new InspectJobOptions
                {
                    Checkpoint = parse.GetValue(checkpoint),
                    Model = parse.GetValue(model),
                    Input = parse.GetValue(input)!,
                    Labels = parse.GetValue(labels),
                    DataDirectory = parse.GetValue(dataDir),
                    OutputDirectory = parse.GetValue(outputDir)!,
                    Images = parse.GetValue(images),
                    Views = parse.GetValue(views),
                    Seed = parse.GetValue(seed),
                };
                if (options.Checkpoint is null && options.Model is null)
                    throw new ArgumentException("Give --checkpoint or --model.");
                Console.WriteLine($"Wrote {run(options, cancellationToken)} (with .json and .md beside it).");
                return Task.FromResult(0);
            }));
        return command;
    }
}
