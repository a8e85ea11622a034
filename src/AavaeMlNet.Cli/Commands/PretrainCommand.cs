using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae pretrain`: every setting of <see cref="AavaeSettings"/> on one of four inputs.</summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var defaults = new PretrainJobOptions { Input = new PretrainInput() };
        var data = new Option<string?>("--data")
        {
            Description = "Built-in data set (its 'pretrain' split part): fashion-mnist, cifar10 or stl10.",
        };
        data.AcceptOnlyFromAmong("fashion-mnist", "cifar10", "stl10");
        var manifest = new Option<string?>("--manifest")
        {
            Description = "Manifest JSON file whose files lie in --data-dir.",
        };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Directory of the --data or --manifest files.",
        };
        var part = new Option<string>("--split")
        {
            Description = "Subset or split part of the manifest to pretrain on.",
            DefaultValueFactory = _ => defaults.Input.Part,
        };
        var idx = new Option<string?>("--idx") { Description = "IDX images file (raw or .gz)." };
        var labels = new Option<string?>("--labels") { Description = "IDX labels file for --idx." };
        var folder = new Option<string?>("--folder")
        {
            Description = "Image folder (PNG/JPEG; class subfolders give labels).",
        };
        var size = new Option<int>("--size")
        {
            Description = "Side to which folder images are resized.",
            DefaultValueFactory = _ => defaults.Input.Size,
        };
        var channels = new Option<int?>("--channels")
        {
            Description = "Channels of folder images: 1 or 3 (default: 1 when the first 64 images are grayscale, " +
                          "else 3).",
        };
        channels.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && value is not (1 or 3))
                result.AddError($"--channels {value}: expected 1 or 3.");
        });
        var settings = new SettingFlags(defaults.Settings);
        var cache = new Option<bool>("--cache")
        {
            Description = "Hold the training pixels in memory when they fit 2 GiB (false: stream them).",
            DefaultValueFactory = _ => true,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Model zip to write (encoder.ckpt goes beside it).",
            DefaultValueFactory = _ => defaults.Output,
        };
        var checkpointDir = new Option<string?>("--checkpoint-dir")
        {
            Description = "Checkpoint directory (default: <output folder>/checkpoints).",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue from <checkpoint-dir>/last.ckpt exactly where it stopped (refused when the data " +
                          "differs from the checkpoint's, naming each difference).",
        };
        var resumeOnOtherData = new Option<bool>("--resume-on-other-data")
        {
            Description = "With --resume: continue the checkpoint's weights, optimizer state and schedule on other " +
                          "data, from the start of the next epoch.",
        };

        var onBadImage = CommonOptions.OnBadImage(defaults.Input.OnBadImage, "<output>.rejects.csv");
        var int8 = new Option<bool>("--int8")
        {
            Description = "Also write the encoder in int8 beside the model (<output>.int8.onnx), calibrated on the " +
                          "first 1,024 training images, for `aavae embed --int8`.",
        };

        var command = new Command("pretrain",
            "Pretrain an AAVAE encoder and save it as an ML.NET model zip (plus encoder.ckpt).")
        {
            data, manifest, dataDir, part, idx, labels, folder, size, channels, cache, output, checkpointDir, resume,
            resumeOnOtherData, onBadImage, int8,
        };
        settings.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose),
            async () =>
            {
                var options = new PretrainJobOptions
                {
                    Input = new PretrainInput
                    {
                        Dataset = parse.GetValue(data),
                        Manifest = parse.GetValue(manifest),
                        DataDirectory = parse.GetValue(dataDir),
                        Part = parse.GetValue(part)!,
                        Idx = parse.GetValue(idx),
                        Labels = parse.GetValue(labels),
                        Folder = parse.GetValue(folder),
                        Size = parse.GetValue(size),
                        Channels = parse.GetValue(channels),
                        OnBadImage = CommonOptions.ParseOnBadImage(parse.GetValue(onBadImage)),
                    },
                    Settings = settings.Read(parse),
                    Cache = parse.GetValue(cache),
                    Output = parse.GetValue(output)!,
                    CheckpointDirectory = parse.GetValue(checkpointDir),
                    Resume = parse.GetValue(resume),
                    ResumeOnOtherData = parse.GetValue(resumeOnOtherData),
                    Int8 = parse.GetValue(int8),
                };
                var reporter = ProgressReporter.ForConsole();
                var result = await PretrainJob.RunAsync(options, Console.Out, reporter.Report, cancellationToken);
                Console.WriteLine($"Model: {result.ModelPath} ({result.EmbeddingSize}-dimensional embedding). " +
                                  $"TorchSharp checkpoint: {result.CheckpointPath}.");
                return 0;
            }));
        return command;
    }
}
