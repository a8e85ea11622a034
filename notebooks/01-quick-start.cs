#!/usr/bin/env -S dotnet run
#:project ../src/AavaeMlNet/AavaeMlNet.csproj
#:project ../src/AavaeMlNet.Data/AavaeMlNet.Data.csproj
#:project ../src/AavaeMlNet.Evaluation/AavaeMlNet.Evaluation.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false

// %% [markdown]
// # Quick start: AAVAE on Fashion-MNIST
//
// AAVAE (augmentation-augmented variational autoencoder) is a VAE whose KL term is replaced by denoising through data
// augmentations: the encoder sees an augmented view x+ ~ A(x), the decoder must reconstruct the *original* x (paper
// Eq. 3). This notebook pretrains a small AAVAE encoder on Fashion-MNIST without labels, then measures what it learned
// the usual way: a linear classifier (the *linear probe*) on the frozen embeddings, next to the same classifier on raw
// pixels.
//
// Two ways to run it, from one source:
// - as a notebook: `01-quick-start.ipynb` in VS Code (Polyglot Notebooks) or Jupyter with .NET Interactive;
// - as a C# file-based app, .NET 10: `dotnet run notebooks/01-quick-start.cs`, which writes the plots to a folder.
//
// The `.ipynb` is generated from `01-quick-start.cs` (`dotnet run --project notebooks/tools/NotebookGenerator`):
// edit the `.cs`. The defaults take a few minutes on two CPU cores; `AAVAE_NOTEBOOK_SMALL=1` makes a one-minute
// smoke run, and `AAVAE_NOTEBOOK_OUTPUT` sets where the plots go.

// %% [markdown]
// ## Setup
//
// The notebook loads the library built from this repository, not a package: `notebooks/lib` gathers it with its
// native libraries in `notebooks/lib/bin`. The next cell builds it the first time (about a minute); after a change to
// the sources, rebuild with `dotnet build notebooks/lib -c Release`.

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
// #r "lib/bin/AavaeMlNet.Core.dll"
// #r "lib/bin/AavaeMlNet.Data.dll"
// #r "lib/bin/AavaeMlNet.Evaluation.dll"
// #r "lib/bin/AavaeMlNet.dll"
// #r "lib/bin/TorchSharp.dll"
// #r "lib/bin/Microsoft.ML.Core.dll"
// #r "lib/bin/Microsoft.ML.Data.dll"
// #r "lib/bin/Microsoft.ML.DataView.dll"
// #r "lib/bin/Microsoft.ML.StandardTrainers.dll"

// %% [code]
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Locators;
using AavaeMlNet.Data.Manifests;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Evaluation.Probes;
using AavaeMlNet.MLNet;
using Microsoft.ML;

// %% [markdown]
// Plots are PNG files. The notebook shows them inline; the file-based app prints where it wrote them.

// %% [notebook]
// void Show(string path) =>
//     display(HTML($"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\" />"));

// %% [app]
void Show(string path) => Console.WriteLine($"plot: {Path.GetFullPath(path)}");

// %% [markdown]
// ## Settings
//
// The default budget is the CPU preset of the repository's main job, a little smaller: a quarter-width ResNet-18
// (16..128 channels) pretrained for 2 epochs on 10,000 images. The paper trains a full ResNet-50 for hundreds of
// epochs on GPUs. On Fashion-MNIST a linear classifier on raw pixels is already strong (above 80%): a short CPU run
// shows the workflow; raise the images and epochs (or use `./build.sh demo`) to see the representation improve.

// %% [code]
bool small = Environment.GetEnvironmentVariable("AAVAE_NOTEBOOK_SMALL") == "1";
int pretrainImages = small ? 1_000 : 10_000;
int probeTrainImages = small ? 1_000 : 10_000;
int testImages = small ? 500 : 10_000;
int epochs = small ? 1 : 2;
double widthMultiplier = small ? 0.125 : 0.25;
string outputDirectory = Environment.GetEnvironmentVariable("AAVAE_NOTEBOOK_OUTPUT")
    ?? Path.Combine("aavae-output", "notebooks", "01-quick-start");
Directory.CreateDirectory(outputDirectory);
Console.WriteLine($"{(small ? "Small" : "Default")} budget: {pretrainImages:N0} images, {epochs} epoch(s), " +
    $"width x{widthMultiplier}; plots in {Path.GetFullPath(outputDirectory)}");

// %% [markdown]
// ## Data
//
// Fashion-MNIST: 28x28 grayscale images of clothing in ten classes. `FashionMnistLocator` finds it where the Debian
// package `dataset-fashion-mnist` puts it, or downloads and verifies the official files. The built-in manifest splits
// the 60,000 training images into a 55,000-image `pretrain` part and a validation part; the probe is tested on the
// official test set. `ToDataView()` turns a source into an ML.NET `IDataView` with an `Image` column (784 floats in
// [0, 1]) and a `Label` column.

// %% [code]
var files = await FashionMnistLocator.EnsureAsync(Path.Combine(Path.GetTempPath(), "aavae-data", "fashion-mnist"),
    Console.WriteLine, allowAptInstall: false);
var (_, pretrainIndices) = DatasetManifest.LoadBuiltIn("fashion-mnist").GetSplitPart("pretrain");
var trainSource = files.OpenTrain();
var testSource = files.OpenTest();
IDataView pretrainData = trainSource.Subset(pretrainIndices.Take(pretrainImages)).ToDataView();
IDataView probeTrainData = trainSource.Subset(pretrainIndices.Take(probeTrainImages)).ToDataView();
IDataView testData = testSource.Subset(Enumerable.Range(0, testImages)).ToDataView();
Console.WriteLine($"{trainSource.Count:N0} training and {testSource.Count:N0} test images in {files.Directory}");

// %% [markdown]
// ## Pretrain
//
// `ml.Transforms.PretrainAavae` is an ML.NET estimator: `Fit` trains the TorchSharp model (no labels used) and returns
// a transformer that adds an `Embedding` column. `Progress` receives a report every few steps; the losses make the
// training curve below. The settings are fixed here so that the notebook runs the same every time; with your own
// images, set only `TimeBudget` and the CPU recipe chooses the rest (README, "Your own images").

// %% [code]
var ml = new MLContext(seed: 1);
var losses = new List<(long Step, double Loss)>();
var aavae = ml.Transforms.PretrainAavae(new AavaeEstimator.Options
{
    InputColumnName = "Image",
    OutputColumnName = "Embedding",
    WidthMultiplier = widthMultiplier,
    Epochs = epochs,
    BatchSize = 128,
    LearningRate = 1e-3,
    WarmupEpochs = 0.5,
    CacheInMemory = true,
    ProgressEverySteps = 5,
    Progress = p =>
    {
        if (!p.IsEpochEnd)
            losses.Add((p.Step, p.Loss));
        else
            Console.WriteLine($"epoch {p.Epoch + 1}/{epochs}: loss {p.Loss:F1}, " +
                $"{p.ImagesPerSecond:F0} images/s, {p.Elapsed:mm\\:ss}");
    },
}).Fit(pretrainData);
Console.WriteLine($"Embedding size: {aavae.EmbeddingSize}");

// %% [code]
string lossPlot = Path.Combine(outputDirectory, "loss.png");
LossCurvePlot.Write(lossPlot, losses, "AAVAE training loss (-log p(x|z) per image)");
Show(lossPlot);

// %% [markdown]
// ## Linear probe
//
// The probe standardizes each feature, then fits multinomial logistic regression (L-BFGS) on the frozen embeddings of
// labelled images, and reports top-1 accuracy on the test images. The same probe on raw pixels is the baseline, fitted
// in the same run on the same images.

// %% [code]
var probe = LinearProbe.TrainAndEvaluate(ml, ml.Data.Cache(aavae.Transform(probeTrainData)),
    ml.Data.Cache(aavae.Transform(testData)), "Embedding", "Label");
var rawPixels = LinearProbe.TrainAndEvaluate(
    ml, ml.Data.Cache(probeTrainData), ml.Data.Cache(testData), "Image", "Label");
Console.WriteLine($"AAVAE embedding: {probe.Accuracy:P1} top-1; raw pixels: {rawPixels.Accuracy:P1}");

// %% [code]
string accuracyPlot = Path.Combine(outputDirectory, "accuracy.png");
AccuracyBarPlot.Write(accuracyPlot, [("raw pixels", rawPixels.Accuracy), ("AAVAE embedding", probe.Accuracy)],
    "Linear probe, Fashion-MNIST test images");
Show(accuracyPlot);
aavae.Dispose();

// %% [markdown]
// ## Next
//
// - `02-mlnet-pipeline`: the same encoder inside one ML.NET pipeline, saved, loaded and served by a `PredictionEngine`.
// - `03-looking-inside`: what the encoder does with augmented views, what the decoder reconstructs, a map of the
//   embeddings.
// - For longer runs, the command line: `./build.sh demo` (see the README).
