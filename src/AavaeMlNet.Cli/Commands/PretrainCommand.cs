using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;
using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae pretrain`: every model and training option of AavaeEstimator.Options on one of four inputs.</summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var defaults = new PretrainJobOptions { Input = new PretrainInput() };
        var data = new Option<string?>("--data") { Description = "Built-in data set (its 'pretrain' split part): fashion-mnist, cifar10 or stl10." };
        data.AcceptOnlyFromAmong("fashion-mnist", "cifar10", "stl10");
        var manifest = new Option<string?>("--manifest") { Description = "Manifest JSON file whose files lie in --data-dir." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory of the --data or --manifest files." };
        var part = new Option<string>("--split") { Description = "Subset or split part of the manifest to pretrain on.", DefaultValueFactory = _ => "pretrain" };
        var idx = new Option<string?>("--idx") { Description = "IDX images file (raw or .gz)." };
        var labels = new Option<string?>("--labels") { Description = "IDX labels file for --idx." };
        var folder = new Option<string?>("--folder") { Description = "Image folder (PNG/JPEG; class subfolders give labels)." };
        var size = new Option<int>("--size") { Description = "Side to which folder images are resized.", DefaultValueFactory = _ => 32 };
        var channels = new Option<int>("--channels") { Description = "Channels of folder images: 1 or 3.", DefaultValueFactory = _ => 3 };
        channels.AcceptOnlyFromAmong("1", "3");
        var preset = new Option<string?>("--preset") { Description = "Augmentation preset (default: by image shape)." };
        preset.AcceptOnlyFromAmong("cifar10", "stl10", "grayscale");
        var variant = new Option<string>("--variant") { Description = "Model of the paper's Table 1.", DefaultValueFactory = _ => "aavae" };
        variant.AcceptOnlyFromAmong("ae", "vae", "aaae", "aavae");
        var depth = new Option<int>("--depth") { Description = "ResNet depth of the encoder.", DefaultValueFactory = _ => 18 };
        depth.AcceptOnlyFromAmong("18", "34", "50");
        var stem = new Option<string?>("--stem") { Description = "Encoder stem (default: by image size)." };
        stem.AcceptOnlyFromAmong("cifar", "stl", "imagenet", "small");
        var width = new Option<double>("--width") { Description = "Width multiplier of the encoder.", DefaultValueFactory = _ => defaults.WidthMultiplier };
        var latent = new Option<int>("--latent") { Description = "Size of z.", DefaultValueFactory = _ => defaults.LatentDim };
        var beta = new Option<double?>("--beta") { Description = "KL weight (default: 0.1 for vae, 0 otherwise)." };
        var logScale = new Option<double>("--log-scale") { Description = "Initial log-variance of the Gaussian likelihood.", DefaultValueFactory = _ => defaults.LogScale };
        var learnLogScale = new Option<bool>("--learn-log-scale") { Description = "Learn the log scale instead of keeping it fixed." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data.", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch-size") { Description = "Images per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate after warmup.", DefaultValueFactory = _ => defaults.LearningRate };
        var warmup = new Option<double>("--warmup-epochs") { Description = "Linear warmup in epochs.", DefaultValueFactory = _ => defaults.WarmupEpochs };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Adam weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var seed = new Option<long>("--seed") { Description = "Seed of everything random.", DefaultValueFactory = _ => defaults.Seed };
        var device = new Option<string>("--device") { Description = "Where to train.", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads (default: libtorch's)." };
        var precision = CommonOptions.Precision();
        var decay = CommonOptions.Decay(defaults.Decay);
        var view = new ViewFlags();
        var cleanBn = CommonOptions.CleanBatchNormImages(defaults.CleanBatchNormImages);
        var cache = new Option<bool>("--cache") { Description = "Hold the training pixels in memory (up to 2 GiB)." };
        var output = new Option<string>("--output", "-o") { Description = "Model zip to write (encoder.ckpt goes beside it).", DefaultValueFactory = _ => defaults.Output };
        var checkpointDir = new Option<string?>("--checkpoint-dir") { Description = "Checkpoint directory (default: <output folder>/checkpoints)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from <checkpoint-dir>/last.ckpt exactly where it stopped." };

        var command = new Command("pretrain", "Pretrain an AAVAE encoder and save it as an ML.NET model zip (plus encoder.ckpt).")
        {
            data, manifest, dataDir, part, idx, labels, folder, size, channels, preset, variant, depth, stem, width, latent, beta,
            logScale, learnLogScale, epochs, batch, lr, warmup, weightDecay, seed, device, threads, precision, cache, output, checkpointDir, resume,
        };
        command.Options.Add(decay);
        command.Options.Add(cleanBn);
        foreach (var flag in view.All) command.Options.Add(flag);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose), async () =>
        {
            var options = new PretrainJobOptions
            {
                Input = new PretrainInput
                {
                    Dataset = parse.GetValue(data), Manifest = parse.GetValue(manifest), DataDirectory = parse.GetValue(dataDir),
                    Part = parse.GetValue(part)!, Idx = parse.GetValue(idx), Labels = parse.GetValue(labels), Folder = parse.GetValue(folder),
                    Size = parse.GetValue(size), Channels = parse.GetValue(channels),
                },
                Preset = parse.GetValue(preset),
                Variant = Enum.Parse<Variant>(parse.GetValue(variant)!, ignoreCase: true),
                Depth = (Depth)parse.GetValue(depth),
                Stem = parse.GetValue(stem) is { } s ? Enum.Parse<Stem>(s, ignoreCase: true) : null,
                WidthMultiplier = parse.GetValue(width), LatentDim = parse.GetValue(latent), Beta = parse.GetValue(beta),
                LogScale = parse.GetValue(logScale), LearnLogScale = parse.GetValue(learnLogScale),
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                WarmupEpochs = parse.GetValue(warmup), WeightDecay = parse.GetValue(weightDecay), Seed = parse.GetValue(seed),
                Device = Enum.Parse<DeviceKind>(parse.GetValue(device)!, ignoreCase: true), Threads = parse.GetValue(threads),
                Precision = CommonOptions.ParsePrecision(parse.GetValue(precision)),
                Decay = CommonOptions.ParseDecay(parse.GetValue(decay)),
                View = view.Read(parse),
                CleanBatchNormImages = parse.GetValue(cleanBn),
                Cache = parse.GetValue(cache), Output = parse.GetValue(output)!, CheckpointDirectory = parse.GetValue(checkpointDir),
                Resume = parse.GetValue(resume),
            };
            var reporter = ProgressReporter.ForConsole(options.Epochs);
            var result = await PretrainJob.RunAsync(options, Console.Out, reporter.Report, cancellationToken);
            Console.WriteLine($"Model: {result.ModelPath} ({result.EmbeddingSize}-dimensional embedding). TorchSharp checkpoint: {result.CheckpointPath}.");
            return 0;
        }));
        return command;
    }
}
