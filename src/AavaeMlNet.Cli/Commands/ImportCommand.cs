using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.MLNet;
using AavaeMlNet.PyTorch;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae import`: a checkpoint of the paper's reference PyTorch code to model.zip and encoder.ckpt.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--pytorch")
        {
            Description = "The reference implementation's file: a Lightning .ckpt or a torch.save(state_dict) file " +
                          "(--checkpoint is this project's own checkpoint in every command).", Required = true,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "model.zip to write (encoder.ckpt goes beside it).", DefaultValueFactory = _ => "model.zip",
        };
        var skipDecoder = new Option<bool>("--skip-decoder")
        {
            Description = "Import the encoder and projection head of a file that also holds the reference decoder " +
                          "(which does not map onto this project's); the decoder starts from fresh weights.",
        };
        var imageSize = new Option<int?>("--image-size") { Description = "Image side (default: input_height)." };
        var stem = new Option<string?>("--stem") { Description = "Encoder stem (default: from the checkpoint)." };
        stem.AcceptOnlyFromAmong("cifar", "stl", "imagenet");
        var dataset = new Option<string?>("--normalization")
        {
            Description = "Input normalization (default: the checkpoint's dataset).",
        };
        dataset.AcceptOnlyFromAmong("cifar10", "stl10", "imagenet");
        var inputKind = new Option<string>("--input-kind")
        {
            Description = "Input column of the saved model: vector (CHW floats in [0, 1]) or image.",
            DefaultValueFactory = _ => "vector",
        };
        inputKind.AcceptOnlyFromAmong("vector", "image");
        var column = new Option<string>("--column")
        {
            Description = "Embedding column.", DefaultValueFactory = _ => "Embedding",
        };
        var representation = new Option<string>("--representation")
        {
            Description = "Embedding: backbone features (the paper's protocol) or mu.",
            DefaultValueFactory = _ => "backbone",
        };
        representation.AcceptOnlyFromAmong("backbone", "mu");

        var command = new Command("import-pytorch",
            "Import a checkpoint of the paper's reference PyTorch implementation (read without running pickled code).")
        {
            checkpoint, output, skipDecoder, imageSize, stem, dataset, inputKind, column, representation,
        };
        command.Aliases.Add("import"); // the name before import-pytorch / export-pytorch became a pair
        command.SetAction((parse, _) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose), () =>
        {
            var options = new PyTorchImportOptions
            {
                InputColumnName = "Image",
                InputKind = parse.GetValue(inputKind) == "image" ? ImageColumnKind.Image : ImageColumnKind.Vector,
                OutputColumnName = parse.GetValue(column)!,
                Representation = parse.GetValue(representation) == "mu" ? Representation.Mu : Representation.Backbone,
                Reference = new ReferenceImportOptions
                {
                    SkipDecoder = parse.GetValue(skipDecoder),
                    ImageSize = parse.GetValue(imageSize),
                    Stem = parse.GetValue(stem) switch
                    {
                        "cifar" => Model.Stem.Cifar,
                        "stl" => Model.Stem.Stl,
                        "imagenet" => Model.Stem.ImageNet,
                        _ => null,
                    },
                    Normalization = parse.GetValue(dataset) switch
                    {
                        "cifar10" => Augmentations.Normalization.Cifar10,
                        "stl10" => Augmentations.Normalization.Stl10,
                        "imagenet" => Augmentations.Normalization.ImageNet,
                        _ => null,
                    },
                },
            };
            var result = ImportJob.Run(parse.GetValue(checkpoint)!, parse.GetValue(output)!, options);
            foreach (var note in result.Notes) Console.WriteLine($"  {note}");
            Console.WriteLine($"Wrote {result.Model} (embedding size {result.EmbeddingSize}) and {result.Checkpoint}.");
            return Task.FromResult(0);
        }));
        return command;
    }
}
