using AavaeMlNet.Bench;

// Usage: dotnet run -c Release --project src/AavaeMlNet.Bench --
//     [train|embed|embed-cli|embed-folder] [--config NAME] [--steps N] [--images N] [--rounds N]
//     [--compare-pytorch] [--profile (embed: ONNX Runtime's time per operator)]
//     [--sizes 50000,200000 --dir FOLDER --cli aavae.dll]
string mode = args.Length > 0 && !args[0].StartsWith("--") ? args[0] : "train";
string Option(string name, string fallback)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

try
{
    var configuration = BenchConfiguration.Find(Option("--config", "fmnist-r18-w0.25"));
    int steps = int.Parse(Option("--steps", "10"));
    int rounds = int.Parse(Option("--rounds", "3"));
    switch (mode)
    {
        case "train":
            TrainingStepBench.Run(configuration, steps, rounds, args.Contains("--compare-pytorch"));
            break;
        case "embed-cli":
            await CliEmbeddingBench.RunAsync(configuration,
                Option("--idx", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"), rounds);
            break;
        case "embed-folder":
            await LargeFolderBench.RunAsync(configuration,
                Option("--idx", "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
                Option("--dir", Path.Combine(Path.GetTempPath(), "aavae-bench-folder")),
                [.. Option("--sizes", "50000,200000").Split(',').Select(int.Parse)],
                Option("--cli", Path.Combine("src", "AavaeMlNet.Cli", "bin", "Release", "net10.0", "aavae.dll")));
            break;
        case "embed":
            EmbeddingBench.Run(configuration, int.Parse(Option("--images", "2048")), rounds,
                args.Contains("--compare-pytorch"), args.Contains("--profile"));
            break;
        default:
            Console.Error.WriteLine($"Unknown bench '{mode}': expected train, embed, embed-cli or embed-folder.");
            return 2;
    }
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
