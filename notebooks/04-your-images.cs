#!/usr/bin/env -S dotnet run
#:project ../src/AavaeMlNet/AavaeMlNet.csproj
#:project ../src/AavaeMlNet.Data/AavaeMlNet.Data.csproj
#:project ../src/AavaeMlNet.Evaluation/AavaeMlNet.Evaluation.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false

// %% [markdown]
// # Your own images
//
// A folder of your images, no labels needed: pretrain an AAVAE encoder on it for a time budget, embed every image,
// and look at what the embedding finds: for a few query images, their nearest neighbours, next to the nearest
// neighbours by raw pixels. When the folder has class subfolders, a kNN classifier on the embedding is scored against
// the same classifier on raw pixels.
//
// Set `imageFolder` in the parameters cell to your folder (PNG or JPEG; class subfolders optional). Left empty, the
// notebook writes a folder of Fashion-MNIST PNG files and uses that.
//
// Run it as a notebook (`04-your-images.ipynb`) or as a C# file-based app:
// `dotnet run notebooks/04-your-images.cs -- --folder DIR`.
// The `.ipynb` is generated from the `.cs` (`dotnet run --project notebooks/tools/NotebookGenerator`): edit the `.cs`.
// The outputs shown are those of a run on two CPU cores; the settings are in the parameters cell.

// %% [markdown]
// ## Setup
//
// The library comes from this repository: `notebooks/lib` gathers it, with its native libraries, in
// `notebooks/lib/bin`.
// The next cell builds it the first time; after a change to the sources, run `dotnet build notebooks/lib -c Release`.

// %% [notebook]
// if (!System.IO.File.Exists("lib/bin/AavaeMlNet.dll"))
// {
//     using var build = System.Diagnostics.Process.Start("dotnet", "build lib -c Release")!;
//     build.WaitForExit();
//     if (build.ExitCode != 0)
//         throw new System.InvalidOperationException(
//             "'dotnet build lib -c Release' failed; run it in notebooks/ to see why.");
// }

// %% [notebook]
// #r "lib/bin/AavaeMlNet.Foundation.dll"
// #r "lib/bin/AavaeMlNet.Core.dll"
// #r "lib/bin/AavaeMlNet.Data.dll"
// #r "lib/bin/AavaeMlNet.Evaluation.dll"
// #r "lib/bin/AavaeMlNet.dll"
// #r "lib/bin/TorchSharp.dll"
// #r "lib/bin/Microsoft.ML.Core.dll"
// #r "lib/bin/Microsoft.ML.Data.dll"
// #r "lib/bin/Microsoft.ML.DataView.dll"

// %% [code]
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Locators;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Io;
using AavaeMlNet.Evaluation.Knn;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.MLNet;
using AavaeMlNet.Pixels;
using Microsoft.ML;

// %% [notebook]
// void Show(string path) =>
//     display(HTML($"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\" />"));

// %% [app]
void Show(string path) => Console.WriteLine($"plot: {Path.GetFullPath(path)}");

// %% [parameters]
// The settings of this notebook; change them here. `small` makes a smoke run of a few seconds on fewer images.
bool small = false;
string imageFolder = ""; // your folder of PNG or JPEG files; empty: a folder of Fashion-MNIST PNG files
int side = 28; // images are resized to side x side
TimeSpan budget = TimeSpan.FromMinutes(5); // pretraining time; every other setting is the CPU recipe's
string outputDirectory = Path.Combine("aavae-output", "notebooks", "04-your-images"); // where the plots go

// %% [app]
// The file-based app takes the same settings from its command line: `-- --small --folder DIR --output DIR`.
small |= args.Contains("--small");
if (Array.IndexOf(args, "--output") is int at and >= 0 && at + 1 < args.Length) outputDirectory = args[at + 1];
if (Array.IndexOf(args, "--folder") is int to and >= 0 && to + 1 < args.Length) imageFolder = args[to + 1];

// %% [markdown]
// ## The images
//
// `ImageFolderSource` lists the folder (class subfolders give labels) and decodes each file the way ML.NET's
// LoadImages -> ResizeImages does; images whose red, green and blue are equal are read as one channel. With no folder
// given, the first 5,000 Fashion-MNIST training images are written as PNG files in class folders.

// %% [code]
if (small) budget = TimeSpan.FromSeconds(10);
Directory.CreateDirectory(outputDirectory);
if (imageFolder.Length == 0)
{
    imageFolder = Path.Combine(outputDirectory, "fashion-mnist-png");
    var fashion = await FashionMnistLocator.EnsureAsync(
        Path.Combine(Path.GetTempPath(), "aavae-data", "fashion-mnist"), Console.WriteLine, allowAptInstall: false);
    foreach (var record in fashion.OpenTrain().Subset(Enumerable.Range(0, small ? 300 : 5_000)).Read())
    {
        string classFolder = Path.Combine(imageFolder, FashionMnistLocator.ClassNames[record.Label].Replace('/', '-'));
        string file = Path.Combine(classFolder, $"{record.Index:D5}.png");
        if (File.Exists(file)) continue;
        Directory.CreateDirectory(classFolder);
        PngEncoder.Write(file, record.PixelsChw, 28, 28, channels: 1);
    }
}
bool gray = new ImageFolderSource(imageFolder, new() { Width = side, Height = side }).FirstImagesAreGrayscale();
var folder = new ImageFolderSource(imageFolder, new() { Width = side, Height = side, Channels = gray ? 1 : 3 });
var info = folder.Info;
var records = folder.Read().ToList();
Console.WriteLine($"{records.Count:N0} images of {info.Channels}x{info.Height}x{info.Width} in {imageFolder}; " +
    (info.HasLabels ? $"{info.ClassNames.Count} classes: {string.Join(", ", info.ClassNames)}" : "no labels"));

// %% [markdown]
// ## Pretrain and embed
//
// Only the budget is set; the CPU recipe chooses the rest from the images and the budget, and the header says what
// and why. The transformer then embeds every image (no labels were used).

// %% [code]
var ml = new MLContext(seed: 1);
IDataView images = folder.ToDataView();
var aavae = ml.Transforms.PretrainAavae(new AavaeEstimator.Options
{
    TimeBudget = budget,
    Context = ml,
    Log = Console.WriteLine,
}).Fit(images);
var embeddings = EmbeddingMatrix.FromDataView(aavae.Transform(images), "Embedding");
var pixels = EmbeddingMatrix.FromRows([.. records.Select(r => PixelScale.ToUnit(r.PixelsChw))]);
Console.WriteLine($"{embeddings.Count:N0} embeddings of {embeddings.Dimension} numbers " +
    $"(raw pixels: {pixels.Dimension})");

// %% [markdown]
// ## Nearest neighbours
//
// For eight query images spread over the folder, the five most similar other images by cosine similarity: first
// through the embedding, then through the raw pixels. Each row starts with its query.

// %% [code]
int[] Nearest(EmbeddingMatrix matrix, int query, int k)
{
    double Cosine(int a, int b)
    {
        var x = matrix.Row(a);
        var y = matrix.Row(b);
        double dot = 0, xx = 0, yy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            dot += x[i] * y[i];
            xx += x[i] * x[i];
            yy += y[i] * y[i];
        }
        return dot / Math.Sqrt(xx * yy + 1e-12);
    }
    return [.. Enumerable.Range(0, matrix.Count).Where(i => i != query).OrderByDescending(i => Cosine(query, i))
        .Take(k)];
}

int[] queries = [.. Enumerable.Range(0, 8).Select(q => q * records.Count / 8)];
foreach (var (name, matrix) in new[] { ("embedding", embeddings), ("raw-pixels", pixels) })
{
    var rows = queries.Select(q => (IReadOnlyList<float[]>)[.. new[] { q }.Concat(Nearest(matrix, q, 5))
        .Select(i => PixelScale.ToUnit(records[i].PixelsChw))]).ToList();
    string grid = Path.Combine(outputDirectory, $"neighbours-{name}.png");
    ImageGrid.Write(grid, rows, info.Channels, info.Height, info.Width, scale: Math.Max(1, 96 / info.Height));
    Console.WriteLine($"Nearest neighbours by {name.Replace('-', ' ')}:");
    Show(grid);
}

// %% [markdown]
// ## Against raw pixels
//
// With class subfolders, a weighted kNN classifier (k = 20) on four fifths of the images, scored on the other fifth:
// the embedding against the raw pixels. The encoder never saw a label.

// %% [code]
if (info.HasLabels)
{
    var labels = records.Select(r => r.Label).ToList();
    var train = Enumerable.Range(0, records.Count).Where(i => i % 5 != 0).ToList();
    var test = Enumerable.Range(0, records.Count).Where(i => i % 5 == 0).ToList();
    double Knn(EmbeddingMatrix m) => KnnClassifier.Accuracy(m.Rows(train), [.. train.Select(i => labels[i])],
        m.Rows(test), [.. test.Select(i => labels[i])], new KnnClassifier.Options { K = 20 });
    double embedded = Knn(embeddings), raw = Knn(pixels);
    Console.WriteLine($"kNN (k = 20) on {test.Count:N0} held-out images: embedding {embedded:P1}, raw pixels {raw:P1}");
    string bars = Path.Combine(outputDirectory, "knn.png");
    AccuracyBarPlot.Write(bars, [("raw pixels", raw), ("AAVAE embedding", embedded)],
        "kNN classifier (k = 20) on held-out images");
    Show(bars);
}
else Console.WriteLine("No class subfolders: no labels to score against.");
aavae.Dispose();
