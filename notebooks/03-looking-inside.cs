#!/usr/bin/env -S dotnet run
#:project ../src/AavaeMlNet/AavaeMlNet.csproj
#:project ../src/AavaeMlNet.Data/AavaeMlNet.Data.csproj
#:project ../src/AavaeMlNet.Evaluation/AavaeMlNet.Evaluation.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false

// %% [markdown]
// # Looking inside an AAVAE
//
// Three views of what the model learned, after the paper's qualitative analyses:
// 1. the cosine similarity of augmented views of a few images (paper Fig. 5): an encoder that maps the views of one
//    image together shows bright diagonal blocks, an untrained one does not;
// 2. reconstructions: the decoder's output for the original images (through z = mu);
// 3. a 2-D PCA map of the embeddings of test images, coloured by class (which the encoder never saw).
//
// Run it as a notebook (`03-looking-inside.ipynb`) or as a C# file-based app:
// `dotnet run notebooks/03-looking-inside.cs`.
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
using AavaeMlNet.Augmentations;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Locators;
using AavaeMlNet.Data.Manifests;
using AavaeMlNet.Evaluation.Analyses;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Plots;
using AavaeMlNet.Inference;
using AavaeMlNet.MLNet;
using AavaeMlNet.Model;
using AavaeMlNet.Pixels;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

// %% [notebook]
// void Show(string path) =>
//     display(HTML($"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\" />"));

// %% [app]
void Show(string path) => Console.WriteLine($"plot: {Path.GetFullPath(path)}");

// %% [markdown]
// ## A model to look at
//
// The quick start's model when it has run (`01-quick-start` saves its encoder.ckpt, which
// `ml.Transforms.LoadAavaeCheckpoint` turns back into the transformer); otherwise a quarter-width ResNet-18
// pretrained here for 2 epochs on 10,000 unlabelled Fashion-MNIST images.

// %% [parameters]
// The settings of this notebook; change them here. `small` makes a smoke run of a few seconds on fewer images.
bool small = false;
string outputDirectory = Path.Combine("aavae-output", "notebooks", "03-looking-inside"); // where the plots go
string quickStartModel = Path.Combine("aavae-output", "notebooks", "quick-start-model", "encoder.ckpt");

// %% [app]
// The file-based app takes the same settings from its command line: `dotnet run NAME.cs -- --small --output DIR`.
small |= args.Contains("--small");
if (Array.IndexOf(args, "--output") is int at and >= 0 && at + 1 < args.Length) outputDirectory = args[at + 1];

// %% [code]
int pretrainImages = small ? 1_000 : 10_000;
int epochs = small ? 1 : 2;
double widthMultiplier = small ? 0.125 : 0.25;
int mapImages = small ? 300 : 2_000;
Directory.CreateDirectory(outputDirectory);

var files = await FashionMnistLocator.EnsureAsync(Path.Combine(Path.GetTempPath(), "aavae-data", "fashion-mnist"),
    Console.WriteLine, allowAptInstall: false);
var (_, pretrainIndices) = DatasetManifest.LoadBuiltIn("fashion-mnist").GetSplitPart("pretrain");
var trainSource = files.OpenTrain();
var testSource = files.OpenTest();

var ml = new MLContext(seed: 1);
bool reuse = !small && File.Exists(quickStartModel);
if (reuse) Console.WriteLine($"The quick start's model: {quickStartModel}");
var aavae = reuse
    ? ml.Transforms.LoadAavaeCheckpoint(quickStartModel, new AavaeLoadOptions { InputKind = ImageColumnKind.Vector })
    : ml.Transforms.PretrainAavae(new AavaeEstimator.Options
{
    WidthMultiplier = widthMultiplier,
    Epochs = epochs,
    BatchSize = 128,
    LearningRate = 1e-3,
    WarmupEpochs = 0.5,
    CacheInMemory = true,
    Progress = p =>
    {
        if (p.IsEpochEnd)
            Console.WriteLine($"epoch {p.Epoch + 1}/{epochs}: loss {p.Loss:F1}, {p.Elapsed:mm\\:ss}");
    },
}).Fit(trainSource.Subset(pretrainIndices.Take(pretrainImages)).ToDataView());
AavaeModel model = aavae.Model;
var device = model.parameters().First().device;
var normalization = aavae.Augmentation.Normalization;
Console.WriteLine($"{aavae.Config.Variant}, {aavae.Config.Depth} x{aavae.Config.WidthMultiplier}, " +
                  $"{aavae.Config.Stem} stem, " +
                  $"embedding size {aavae.EmbeddingSize}, on {device}");

// %% [markdown]
// ## Augmented views
//
// AAVAE's encoder only ever sees augmented views x+ ~ A(x). `SimClrAugmentation` draws them for a whole batch, one
// independent draw per image, from a seeded TorchSharp `Generator`: the same seed gives the same views on every run.
// `AugmentationOptions.Grayscale` is the Fashion-MNIST preset (random resized crop, flip, brightness and contrast).
// Rows are image-major (row = image * views + view), so the views of one image sit next to each other.

// %% [code]
int imageCount = 8, viewsPerImage = 4, pixelsPerImage = 28 * 28;
var records = testSource.Read().Take(imageCount).ToList();
var originals = records.Select(r => PixelScale.ToUnit(r.PixelsChw)).ToList();
Tensor images = tensor(originals.SelectMany(p => p).ToArray(), [imageCount, 1, 28, 28]);

var augmentation = new SimClrAugmentation(AugmentationOptions.Grayscale);
var generator = new Generator(7);
Tensor views = augmentation.View(images.repeat_interleave(viewsPerImage, 0), generator);

float[][] Rows(Tensor batch)
{
    var flat = batch.contiguous().data<float>().ToArray();
    return Enumerable.Range(0, (int)batch.shape[0])
        .Select(i => flat[(i * pixelsPerImage)..((i + 1) * pixelsPerImage)])
        .ToArray();
}
string viewsPlot = Path.Combine(outputDirectory, "views.png");
ReconstructionGrid.Write(viewsPlot, originals.SelectMany(o => Enumerable.Repeat(o, viewsPerImage)).ToList(),
    Rows(normalization.Invert(views).clamp(0, 1)), channels: 1, height: 28, width: 28, scale: 2);
Show(viewsPlot);

// %% [markdown]
// ## Similarity of views (paper Fig. 5)
//
// Each view's backbone features h (the representation the probes use), then the cosine similarity of every pair.
// The block contrast is the mean similarity between views of the same image minus the mean across images: large when
// the encoder has become invariant to the augmentations, near zero when it has not. The same views through an
// untrained encoder of the same shape are the reference.

// %% [code]
SimilarityMatrix Similarity(AavaeModel encoder)
{
    // FrozenModel runs a model for inference: evaluation mode, no gradients, on the model's device.
    var features = new FrozenModel(encoder, normalization).FeaturesOfViews(views);
    return SimilarityMatrix.Compute(EmbeddingMatrix.FromTensor(features), imageCount, viewsPerImage);
}

random.manual_seed(1);
var untrained = new AavaeModel(aavae.Config);
var trainedSimilarity = Similarity(model);
var untrainedSimilarity = Similarity(untrained);
Console.WriteLine($"block contrast, trained: {trainedSimilarity.Contrast().Contrast:F3}; " +
    $"untrained: {untrainedSimilarity.Contrast().Contrast:F3}");

string trainedPlot = Path.Combine(outputDirectory, "similarity-trained.png");
SimilarityHeatmapPlot.Write(trainedPlot, trainedSimilarity, "Cosine similarity of views, trained AAVAE");
Show(trainedPlot);
string untrainedPlot = Path.Combine(outputDirectory, "similarity-untrained.png");
SimilarityHeatmapPlot.Write(untrainedPlot, untrainedSimilarity, "Cosine similarity of views, untrained encoder");
Show(untrainedPlot);

// %% [markdown]
// ## Reconstructions
//
// The decoder's output for the *original* images, through z = mu: originals on top, reconstructions below. A short
// run gives blurry but recognisable shapes; the training objective is the Gaussian likelihood of every pixel.

// %% [code]
Tensor reconstructed = new FrozenModel(model, normalization).Reconstruct(images);
string reconstructionPlot = Path.Combine(outputDirectory, "reconstructions.png");
ReconstructionGrid.Write(reconstructionPlot, originals, Rows(reconstructed),
    channels: 1, height: 28, width: 28, scale: 4);
Show(reconstructionPlot);

// %% [markdown]
// ## A map of the embeddings
//
// `EmbedBatch` runs the encoder on raw pixels ([0, 1], CHW) without an `IDataView`. `PcaMap` projects the embeddings
// onto their two leading principal components; colours are the classes, which pretraining never used.

// %% [code]
var mapRecords = testSource.Read().Take(mapImages).ToList();
var embeddings = new float[mapImages * aavae.EmbeddingSize];
aavae.EmbedBatch(mapRecords.SelectMany(r => PixelScale.ToUnit(r.PixelsChw)).ToArray(), mapImages, embeddings);
var map = PcaMap.Fit(new EmbeddingMatrix(embeddings, mapImages, aavae.EmbeddingSize));
Console.WriteLine($"variance along the two components: {map.ExplainedVariance[0]:F2}, {map.ExplainedVariance[1]:F2}");

string mapPlot = Path.Combine(outputDirectory, "map.png");
EmbeddingScatterPlot.Write(mapPlot, map.Coordinates, mapRecords.Select(r => r.Label).ToList(),
    FashionMnistLocator.ClassNames,
    "AAVAE embeddings of Fashion-MNIST test images (PCA)");
Show(mapPlot);
aavae.Dispose();
