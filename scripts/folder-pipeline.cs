#!/usr/bin/env -S dotnet run
#:project ../src/AavaeMlNet/AavaeMlNet.csproj
#:project ../src/AavaeMlNet.Data/AavaeMlNet.Data.csproj
#:project ../src/AavaeMlNet.Evaluation/AavaeMlNet.Evaluation.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false

// The README's library pipeline on a folder of PNG files, with nothing set but the time budget: how good is the
// embedding a user gets, and does the budget hold? A long experiment, started by hand (never by the tests):
//
//   dotnet run -c Release scripts/folder-pipeline.cs -- [OUTPUT_DIR] [BUDGET] [IMAGES] [SIDE] [gray|tinted]
//   (defaults: aavae-output/folder, 5m, 20000, 28, gray)
//
// It writes the first IMAGES images of Fashion-MNIST's pretrain split (and the 10,000 test images) as PNG files in
// class folders once, fits LoadImages -> ResizeImages(SIDE) -> PretrainAavae(TimeBudget) on the training folder,
// saves model.zip, and scores a linear probe on the embeddings of the first 10,000 training images against raw pixels
// (of the files) at 100, 1,000 and 10,000 labels on the test images. `tinted` writes RGB files, each image tinted by
// a random colour unrelated to its class, so that RGB shapes (SIDE 32: CIFAR-like, 96: STL-like) meet colour that
// the views must teach the encoder to ignore. report.md, metrics.json and label-efficiency.png go to OUTPUT_DIR.
using System.Diagnostics;
using System.Text.Json;
using AavaeMlNet.Data.Locators;
using AavaeMlNet.Data.Manifests;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Io;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.MLNet;
using AavaeMlNet.Pixels;
using AavaeMlNet.Text;
using Microsoft.ML;

string output = args.Length > 0 ? args[0] : Path.Combine("aavae-output", "folder");
var budget = Duration.TryParse(args.Length > 1 ? args[1] : "5m") ?? throw new ArgumentException("BUDGET: e.g. 5m");
int images = args.Length > 2 ? int.Parse(args[2]) : 20_000;
int side = args.Length > 3 ? int.Parse(args[3]) : 28;
bool tinted = args.Length > 4 && args[4] == "tinted";
int fileChannels = tinted ? 3 : 1;
const int ProbeImages = 10_000;
Directory.CreateDirectory(output);

var files = await FashionMnistLocator.EnsureAsync(Path.Combine(Path.GetTempPath(), "aavae-data", "fashion-mnist"),
    Console.WriteLine, allowAptInstall: false);
var (_, pretrainIndices) = DatasetManifest.LoadBuiltIn("fashion-mnist").GetSplitPart("pretrain");
var train = WriteFolder(files.OpenTrain().Subset(pretrainIndices.Take(images)).Read(), "train");
var test = WriteFolder(files.OpenTest().Read(), "test");

// The README's pipeline, with only the budget set.
var losses = new List<(int Epoch, double Loss, double ImagesPerSecond)>();
var ml = new MLContext(seed: 1);
IDataView trainRows = ml.Data.LoadFromEnumerable(train);
var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, "ImagePath")
    .Append(ml.Transforms.ResizeImages("Image", side, side))
    .Append(ml.Transforms.PretrainAavae(new AavaeEstimator.Options
    {
        TimeBudget = budget,
        Log = Console.WriteLine,
        Progress = p =>
        {
            if (!p.IsEpochEnd) return;
            losses.Add((p.Epoch + 1, p.Loss, p.ImagesPerSecond));
            Console.WriteLine($"epoch {p.Epoch + 1}: loss {p.Loss:F1}, {p.ImagesPerSecond:F0} images/s");
        },
    }));
var clock = Stopwatch.StartNew();
var model = pipeline.Fit(trainRows);
var fitTime = clock.Elapsed;
string modelPath = Path.Combine(output, "model.zip");
ml.Model.Save(model, trainRows.Schema, modelPath);
var jobTime = clock.Elapsed;
Console.WriteLine($"Fit {Duration.Format(fitTime)}, with saving {Duration.Format(jobTime)}, budget " +
                  $"{Duration.Format(budget)} ({jobTime / budget:P1} of it).");

var aavae = (AavaeTransformer)model.LastTransformer;
var probeRows = ml.Data.LoadFromEnumerable(train.Take(ProbeImages));
var testRows = ml.Data.LoadFromEnumerable(test);
var embedClock = Stopwatch.StartNew();
var probeEmbeddings = EmbeddingMatrix.FromDataView(model.Transform(probeRows), "Embedding");
var testEmbeddings = EmbeddingMatrix.FromDataView(model.Transform(testRows), "Embedding");
double embedRate = (probeEmbeddings.Count + testEmbeddings.Count) / embedClock.Elapsed.TotalSeconds;
var probeLabels = train.Take(ProbeImages).Select(r => (int)r.Label).ToArray();
var testLabels = test.Select(r => (int)r.Label).ToArray();
var rawProbe = RawPixels(files.OpenTrain().Subset(pretrainIndices.Take(ProbeImages)).Read());
var rawTest = RawPixels(files.OpenTest().Read());


var budgets = LabelBudget.ParseList("10/class,100/class");
var rows = new List<(string Name, int Dimension, IReadOnlyList<(int Images, double Accuracy)> Points)>();
foreach (var (name, probe, tested) in new[]
         {
             ("AAVAE embedding", probeEmbeddings, testEmbeddings), ("raw pixels", rawProbe, rawTest),
         })
{
    var curve = LabelEfficiencyProbe.Run(probe, probeLabels, tested, testLabels, budgets, seed: 1);
    var all = LinearProbe.TrainAndEvaluate(probe, probeLabels, tested, testLabels, new LinearProbe.Options());
    rows.Add((name, probe.Dimension, [.. curve.Select(p => (p.Images, p.Accuracy)), (ProbeImages, all.Accuracy)]));
    Console.WriteLine($"{name}: " +
        string.Join(", ", rows[^1].Points.Select(p => $"{p.Images:N0} labels {p.Accuracy:P2}")));
}

LabelEfficiencyPlot.Write(Path.Combine(output, "label-efficiency.png"),
    [.. rows.Select(r => (r.Name, r.Points))], $"Linear probe against labels, {images:N0}-image PNG folder, " +
    $"{Duration.ToText(budget)} budget");
var recipe = aavae.Training.Recipe;
var metrics = new
{
    command = "dotnet run -c Release scripts/folder-pipeline.cs -- " + string.Join(' ', args),
    machine = $"{Environment.ProcessorCount} cores, {AavaeMlNet.Training.CpuBf16Features.Current.Model}; compute " +
              AavaeMlNet.Training.PrecisionSupport.Describe(aavae.Training),
    budgetSeconds = budget.TotalSeconds,
    fitSeconds = fitTime.TotalSeconds,
    fitAndSaveSeconds = jobTime.TotalSeconds,
    embeddingImagesPerSecond = embedRate,
    trainImages = images,
    side,
    files = tinted ? "RGB, tinted" : "grayscale",
    epochs = losses.Select(l => new { l.Epoch, l.Loss, l.ImagesPerSecond }),
    results = rows.Select(r => new
    {
        r.Name, r.Dimension, points = r.Points.Select(p => new { p.Images, p.Accuracy }),
    }),
    recipe,
};
File.WriteAllText(Path.Combine(output, "metrics.json"),
    JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
var lines = new List<string>
{
    $"# The library pipeline on a folder of {images:N0} {(tinted ? "tinted RGB" : "grayscale")} PNG files at " +
    $"{side}x{side}, {Duration.ToText(budget)} budget", "",
    $"Command: `{metrics.command}`", "", $"Machine: {metrics.machine}.", "",
    $"Pipeline: `LoadImages -> ResizeImages({side}, {side}) -> PretrainAavae(new() {{ TimeBudget = ... }})`, nothing " +
    "else set. " +
    $"Fit {Duration.Format(fitTime)}; Fit and `ml.Model.Save` {Duration.Format(jobTime)}, " +
    $"{jobTime / budget:P1} of the budget. Embedding {embedRate:F0} images/s (PNG decoding included).", "",
    $"Linear probe (standardize + L-BFGS) fitted on the first N labels of the first {ProbeImages:N0} training images " +
    "(stratified, seeded) and scored on the 10,000 test images:", "",
    "| features | dimension | " + string.Join(" | ", rows[0].Points.Select(p => $"{p.Images:N0} labels")) + " |",
    "|---|---:|" + string.Concat(rows[0].Points.Select(_ => "---:|")),
};
lines.AddRange(rows.Select(r => $"| {r.Name} | {r.Dimension} | " +
    string.Join(" | ", r.Points.Select(p => $"{p.Accuracy:P2}")) + " |"));
lines.AddRange(["", "Loss and throughput by epoch (the last one cut by the budget): " +
    string.Join(", ", losses.Select(l => $"{l.Epoch}: {l.Loss:F1} ({l.ImagesPerSecond:F0} images/s)")) + ".", ""]);
lines.AddRange(["Recipe:", "", .. recipe.Select(c => $"- {c}"), "", "![label efficiency](label-efficiency.png)"]);
File.WriteAllText(Path.Combine(output, "report.md"), string.Join('\n', lines) + "\n");
aavae.Dispose();

List<ImageFile> WriteFolder(IEnumerable<AavaeMlNet.Data.Readers.ImageRecord> records, string part)
{
    var list = new List<ImageFile>();
    string root = Path.Combine(output, "images", part);
    foreach (var record in records)
    {
        string directory = Path.Combine(root, FashionMnistLocator.ClassNames[record.Label].Replace('/', '-'));
        string path = Path.Combine(directory, $"{record.Index:D5}.png");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            PngEncoder.Write(path, FilePixels(record), 28, 28, fileChannels);
        }
        list.Add(new ImageFile { ImagePath = Path.GetFullPath(path), Label = record.Label });
    }
    return list;
}

EmbeddingMatrix RawPixels(IEnumerable<AavaeMlNet.Data.Readers.ImageRecord> records) =>
    EmbeddingMatrix.FromRows([.. records.Select(r => PixelScale.ToUnit(FilePixels(r)))]);

// The file's pixels: the grayscale image, or (tinted) the image times a colour drawn from its index, interleaved RGB.
byte[] FilePixels(AavaeMlNet.Data.Readers.ImageRecord record)
{
    if (!tinted) return record.PixelsChw;
    var random = new Random(record.Index);
    float[] tint = [.. Enumerable.Range(0, 3).Select(_ => 0.3f + 0.7f * random.NextSingle())];
    var rgb = new byte[784 * 3];
    for (int i = 0; i < 784; i++)
        for (int c = 0; c < 3; c++) rgb[i * 3 + c] = (byte)(record.PixelsChw[i] * tint[c]);
    return rgb;
}

public sealed class ImageFile
{
    public string ImagePath { get; set; } = "";
    public float Label { get; set; }
}
