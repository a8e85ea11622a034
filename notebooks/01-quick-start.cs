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
// edit the `.cs`. The outputs shown are those of a run with the settings below on two CPU cores; the settings are in
// the parameters cell (the pretraining budget, `small` for a smoke run, the plots' folder).

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
// Only the pretraining time is set: the library's CPU recipe chooses the rest from the images and the budget (a
// quarter-width ResNet-18 with h = 512 features under 10 minutes and 1,024 from 10 minutes on, an embedding of h and
// the last two stages averaged over a 2x2 grid, batch 64, Adam at 1e-3 after a short warmup, BatchNorm recomputed on
// clean images at the end) and prints each choice with its reason. Five minutes on 20,000 unlabelled images; the
// paper trains a full ResNet-50 for hundreds of epochs on GPUs. On Fashion-MNIST a linear classifier on raw pixels is
// already strong (above 80%), so a short CPU run has to beat a high bar.

// %% [parameters]
// The settings of this notebook; change them here. `small` makes a smoke run of a few seconds on fewer images.
bool small = false;
TimeSpan budget = TimeSpan.FromMinutes(5); // pretraining time; every other setting is the CPU recipe's
string outputDirectory = Path.Combine("aavae-output", "notebooks", "01-quick-start"); // where the plots go
string modelDirectory = Path.Combine("aavae-output", "notebooks", "quick-start-model"); // 03-looking-inside reuses it

// %% [app]
// The file-based app takes the same settings from its command line: `dotnet run NAME.cs -- --small --output DIR`.
small |= args.Contains("--small");
if (Array.IndexOf(args, "--output") is int at and >= 0 && at + 1 < args.Length) outputDirectory = args[at + 1];

// %% [code]
int pretrainImages = small ? 1_000 : 20_000;
int probeTrainImages = small ? 1_000 : 10_000;
int testImages = small ? 500 : 10_000;
if (small) budget = TimeSpan.FromSeconds(20);
Directory.CreateDirectory(outputDirectory);
Console.WriteLine($"Pretraining for {budget:mm\\:ss} on {pretrainImages:N0} images; plots in " +
    Path.GetFullPath(outputDirectory));

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
// a transformer that adds an `Embedding` column. `Log` receives the run's header (the recipe's choices and why, the
// plan laid out against the budget); `Progress` a report every few steps, whose losses make the training curve below.
// `Context = ml` draws the run's seed from the MLContext (how many steps fit the budget depends on the machine).

// %% [code]
var ml = new MLContext(seed: 1);
var losses = new List<(long Step, double Loss)>();
var aavae = ml.Transforms.PretrainAavae(new AavaeEstimator.Options
{
    InputColumnName = "Image",
    OutputColumnName = "Embedding",
    TimeBudget = budget,
    Context = ml,
    Log = Console.WriteLine,
    ProgressEverySteps = 10,
    Progress = p =>
    {
        if (!p.IsEpochEnd)
            losses.Add((p.Step, p.Loss));
        else
            Console.WriteLine($"epoch {p.Epoch + 1}: loss {p.Loss:F1}, {p.ImagesPerSecond:F0} images/s, " +
                $"{p.Elapsed:mm\\:ss}");
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

// %% [markdown]
// ## Keep the model
//
// `ml.Model.Save` writes the transformer as ONNX inside an ML.NET model (it scores without TorchSharp);
// `SaveCheckpoint` keeps the TorchSharp weights, which `03-looking-inside` loads with
// `ml.Transforms.LoadAavaeCheckpoint` instead of training a model of its own.

// %% [code]
// A smoke run keeps its model in its own output folder, so that it never replaces the model the others reuse.
string savedTo = small ? Path.Combine(outputDirectory, "model") : modelDirectory;
Directory.CreateDirectory(savedTo);
ml.Model.Save(aavae, pretrainData.Schema, Path.Combine(savedTo, "model.zip"));
aavae.SaveCheckpoint(Path.Combine(savedTo, "encoder.ckpt"));
Console.WriteLine($"Saved model.zip and encoder.ckpt in {savedTo}");
aavae.Dispose();

// %% [markdown]
// ## Next
//
// - `02-mlnet-pipeline`: the same encoder inside one ML.NET pipeline, saved, loaded and served by a `PredictionEngine`.
// - `03-looking-inside`: what the encoder does with augmented views, what the decoder reconstructs, a map of the
//   embeddings.
// - For longer runs, the command line: `./build.sh demo` (see the README).
