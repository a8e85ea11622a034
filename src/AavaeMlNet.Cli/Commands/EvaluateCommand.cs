using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae evaluate`: a probe and kNN on the frozen embeddings of a saved model.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string[]>("--model", "-m")
        {
            Description = "ML.NET model zip to evaluate, PATH or NAME=PATH (repeatable).",
        };
        var checkpoint = new Option<string[]>("--checkpoint")
        {
            Description = "TorchSharp checkpoint to evaluate (encoder.ckpt, or encoder-NAME.ckpt of experiment), " +
                          "PATH or NAME=PATH (repeatable): its embedding, computed by TorchSharp as the " +
                          "experiment's probes do.",
        };
        var embeddingGrid = new Option<string>("--embedding-grid")
        {
            Description = "Read each --checkpoint with these embedding grids, one row each, e.g. 0,2 (the grid has " +
                          "no weights; default: the grid each was trained with).",
            DefaultValueFactory = _ => "",
        };
        var baseline = CommonOptions.Baselines([]);
        var featureCache = CommonOptions.FeatureCache();
        var train = new Option<string>("--train")
        {
            Description = "Labelled input to fit on: folder, IDX images file or MANIFEST@PART.",
            Required = true,
        };
        var test = new Option<string>("--test") { Description = "Labelled input to measure on.", Required = true };
        var trainLabels = new Option<string?>("--train-labels")
        {
            Description = "IDX labels of --train (default: the sibling labels file).",
        };
        var testLabels = new Option<string?>("--test-labels")
        {
            Description = "IDX labels of --test (default: the sibling labels file).",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Data directory of MANIFEST@PART inputs." };
        var probe = new Option<string>("--probe")
        {
            Description = "Read-out fitted on the embeddings.",
            DefaultValueFactory = _ => "lbfgs",
        };
        probe.AcceptOnlyFromAmong("lbfgs", "sdca", "fasttree", "paper");
        var knn = new Option<string>("--knn-k")
        {
            Description = "Comma-separated neighbour counts of the kNN classifier ('' for none).",
            DefaultValueFactory = _ => "20,200",
        };
        var labels = CommonOptions.LabelBudgets(
            "the label-efficiency table (for example 100/class,1%,10%,100%)", []);
        var probeL2 = CommonOptions.ProbeL2();
        var labelSeed = new Option<ulong>("--label-seed")
        {
            Description = "Seed of the label subsets.",
            DefaultValueFactory = _ => 0,
        };
        var column = new Option<string>("--column")
        {
            Description = "Embedding column of the model.",
            DefaultValueFactory = _ => "Embedding",
        };
        var reportDir = new Option<string?>("--output", "-o", "--report-dir")
        {
            Description = "Report directory: metrics.json, report.md and label-efficiency.png (default: none: print " +
                          "only).",
        };
        var onBadImage = CommonOptions.OnBadImage(Data.Readers.UndecodableImagePolicy.Throw,
            "<output, else the current folder>/rejects.csv");
        var int8 = new Option<bool>("--int8")
        {
            Description = "Also evaluate each --model through its int8 encoder (X.int8.onnx beside it), as a row " +
                          "'NAME (int8)': the accuracy int8 embedding costs, measured in the same run.",
        };

        var command = new Command("evaluate",
            "Fit a probe and kNN on the embeddings of saved models and baselines; print the test accuracies.")
        {
            model, checkpoint, embeddingGrid, baseline, featureCache, train, test, trainLabels, testLabels, dataDir,
            probe, probeL2, knn, labels, labelSeed, column, reportDir, onBadImage, int8,
        };
        command.SetAction((parse, cancellationToken) =>
            CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose), () =>
            {
                var options = new EvaluateJobOptions
                {
                    Models = parse.GetValue(model) ?? [],
                    Checkpoints = parse.GetValue(checkpoint) ?? [],
                    EmbeddingGrids = ParseList(parse.GetValue(embeddingGrid)!, "--embedding-grid"),
                    Baselines = CommonOptions.ParseBaselines(parse.GetValue(baseline)),
                    FeatureCacheDirectory = parse.GetValue(featureCache)!,
                    Train = parse.GetValue(train)!,
                    Test = parse.GetValue(test)!,
                    TrainLabels = parse.GetValue(trainLabels),
                    TestLabels = parse.GetValue(testLabels),
                    DataDirectory = parse.GetValue(dataDir),
                    Probe = Enum.Parse<ProbeKind>(parse.GetValue(probe)!, ignoreCase: true),
                    KnnK = ParseList(parse.GetValue(knn)!, "--knn-k"),
                    Labels = CommonOptions.ParseLabelBudgets(parse.GetValue(labels)),
                    ProbeL2 = CommonOptions.ParseProbeL2(parse.GetValue(probeL2)),
                    LabelSeed = parse.GetValue(labelSeed),
                    Column = parse.GetValue(column)!,
                    ReportDirectory = parse.GetValue(reportDir),
                    OnBadImage = CommonOptions.ParseOnBadImage(parse.GetValue(onBadImage)),
                    Int8 = parse.GetValue(int8),
                };
                var report = EvaluateJob.Run(options, Console.Out, cancellationToken);
                foreach (var result in report.Results)
                    Console.WriteLine($"{result.Protocol}: {result.Accuracy:P2}");
                if (options.ReportDirectory is { } directory)
                    Console.WriteLine($"Report: {Path.Combine(Path.GetFullPath(directory), "report.md")}");
                return Task.FromResult(0);
            }));
        return command;
    }

    private static int[] ParseList(string text, string flag) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(k => int.TryParse(k, out int value)
                ? value
                : throw new FormatException($"{flag} '{text}' is not a comma-separated list of integers."))
            .ToArray();
}
