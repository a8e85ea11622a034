#!/usr/bin/env -S dotnet run
#:project ../src/AavaeMlNet/AavaeMlNet.csproj
#:project ../src/AavaeMlNet.Data/AavaeMlNet.Data.csproj
#:project ../src/AavaeMlNet.Evaluation/AavaeMlNet.Evaluation.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false

// %% [markdown]
// # AAVAE in an ML.NET pipeline
//
// AAVAE pretraining is an ordinary ML.NET estimator, so it sits in a pipeline next to ML.NET's own transforms and
// trainers. This notebook builds one pipeline (pretrain, standardize, map labels, classify), fits it, saves it with
// `ml.Model.Save`, loads it back, serves single images through a `PredictionEngine`, and compares a linear trainer
// with boosted trees (FastTree) on the same embeddings.
//
// Run it as a notebook (`02-mlnet-pipeline.ipynb`) or as a C# file-based app:
// `dotnet run notebooks/02-mlnet-pipeline.cs`.
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
// #r "lib/bin/Microsoft.ML.StandardTrainers.dll"
// #r "lib/bin/Microsoft.ML.Transforms.dll"
// #r "lib/bin/Microsoft.ML.FastTree.dll"

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
using AavaeMlNet.MLNet;
using AavaeMlNet.Pixels;
using Microsoft.ML;
using Microsoft.ML.Data;

// %% [notebook]
// void Show(string path) =>
//     display(HTML($"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\" />"));

// %% [app]
void Show(string path) => Console.WriteLine($"plot: {Path.GetFullPath(path)}");

// %% [markdown]
// ## Settings and data
//
// Fashion-MNIST as `IDataView`s with an `Image` column (784 floats in [0, 1], CHW order) and a `Label` column. The
// same labelled images feed the whole pipeline: AAVAE ignores the labels, the classifier uses them.

// %% [parameters]
// The settings of this notebook; change them here. `small` makes a smoke run of a few seconds on fewer images.
bool small = false;
string outputDirectory = Path.Combine("aavae-output", "notebooks", "02-mlnet-pipeline"); // where the plots go

// %% [app]
// The file-based app takes the same settings from its command line: `dotnet run NAME.cs -- --small --output DIR`.
small |= args.Contains("--small");
if (Array.IndexOf(args, "--output") is int at and >= 0 && at + 1 < args.Length) outputDirectory = args[at + 1];

// %% [code]
int trainImages = small ? 1_000 : 10_000;
int testImages = small ? 500 : 10_000;
int epochs = small ? 1 : 2;
double widthMultiplier = small ? 0.125 : 0.25;
int trees = small ? 10 : 100;
Directory.CreateDirectory(outputDirectory);

var files = await FashionMnistLocator.EnsureAsync(Path.Combine(Path.GetTempPath(), "aavae-data", "fashion-mnist"),
    Console.WriteLine, allowAptInstall: false);
var (_, pretrainIndices) = DatasetManifest.LoadBuiltIn("fashion-mnist").GetSplitPart("pretrain");
var trainSource = files.OpenTrain();
var testSource = files.OpenTest();
IDataView trainData = trainSource.Subset(pretrainIndices.Take(trainImages)).ToDataView();
IDataView testData = testSource.Subset(Enumerable.Range(0, testImages)).ToDataView();
Console.WriteLine(string.Join(", ", trainData.Schema.Select(c => $"{c.Name}: {c.Type}")));

// %% [markdown]
// ## One pipeline
//
// `PretrainAavae` with an `Options` object holds every model and training setting (what is left unset comes from the
// CPU recipe; `TimeBudget` is the main setting, here fixed epochs keep the notebook's run the same every time). The
// rest is stock ML.NET: standardize the embedding, turn the label into a key, multinomial logistic regression, and
// map the predicted key back to the class index. `Fit` pretrains AAVAE first, then fits what follows on its embeddings.
// `Context = ml` sends progress to `ml.Log`; here `Progress` prints the epoch summaries.

// %% [code]
var ml = new MLContext(seed: 1);
var pipeline = ml.Transforms.PretrainAavae(new AavaeEstimator.Options
    {
        InputColumnName = "Image",
        OutputColumnName = "Embedding",
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
    })
    .Append(ml.Transforms.NormalizeMeanVariance("Embedding"))
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Embedding"))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
var model = pipeline.Fit(trainData);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testData));
Console.WriteLine($"Test accuracy: {metrics.MicroAccuracy:P1} top-1");

// %% [markdown]
// ## Save and load
//
// `ml.Model.Save` writes one standard ML.NET zip. The AAVAE part is stored as its encoder in ONNX inside ML.NET's own
// `OnnxTransformer`, so the loaded model needs ML.NET and ONNX Runtime only, not TorchSharp, and gives the same
// scores.

// %% [code]
string modelPath = Path.Combine(outputDirectory, "model.zip");
ml.Model.Save(model, trainData.Schema, modelPath);
var loadingContext = new MLContext(seed: 1);
ITransformer loaded = loadingContext.Model.Load(modelPath, out DataViewSchema loadedInputSchema);
var loadedMetrics = loadingContext.MulticlassClassification.Evaluate(loaded.Transform(testData));
Console.WriteLine($"{new FileInfo(modelPath).Length / 1024.0:N0} KiB; loaded model: " +
    $"{loadedMetrics.MicroAccuracy:P1} top-1 (before saving: {metrics.MicroAccuracy:P1})");

// %% [markdown]
// ## Linear classifier or boosted trees?
//
// The paper's protocol is a *linear* probe: it measures how much of the class information the encoder made linearly
// readable. A non-linear reader such as FastTree (one-versus-all over boosted binary trees) shows how much more is
// there. Both are fitted on the same frozen embeddings, taken from the fitted pipeline's first transformer.

// %% [code]
var aavae = (AavaeTransformer)model.First();
var trainEmbeddings = ml.Data.Cache(aavae.Transform(trainData));
var testEmbeddings = ml.Data.Cache(aavae.Transform(testData));
double Accuracy(IEstimator<ITransformer> classifier) =>
    ml.MulticlassClassification.Evaluate(classifier.Fit(trainEmbeddings).Transform(testEmbeddings)).MicroAccuracy;

double linearAccuracy = Accuracy(ml.Transforms.NormalizeMeanVariance("Embedding")
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Embedding")));
double treeAccuracy = Accuracy(ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.OneVersusAll(
        ml.BinaryClassification.Trainers.FastTree(
            labelColumnName: "Label", featureColumnName: "Embedding", numberOfTrees: trees))));
Console.WriteLine($"L-BFGS maximum entropy: {linearAccuracy:P1}; " +
    $"FastTree one-versus-all ({trees} trees per class): {treeAccuracy:P1}");

string accuracyPlot = Path.Combine(outputDirectory, "trainers.png");
AccuracyBarPlot.Write(accuracyPlot, [("linear (L-BFGS)", linearAccuracy), ($"FastTree ({trees} trees)", treeAccuracy)],
    "Classifiers on the same AAVAE embeddings");
Show(accuracyPlot);

// %% [markdown]
// ## One image at a time: PredictionEngine
//
// A `PredictionEngine` scores single rows, as a web service would. Its input and output are plain classes whose
// fields name the columns; `[VectorType(784)]` gives the image size. (In the file-based app these classes must come
// after all statements, so they close this last cell.)

// %% [code]
var engine = loadingContext.Model.CreatePredictionEngine<FashionImage, ClassPrediction>(loaded);
foreach (var record in testSource.Read().Take(5))
{
    var prediction = engine.Predict(new FashionImage { Image = PixelScale.ToUnit(record.PixelsChw) });
    Console.WriteLine($"image {record.Index}: {FashionMnistLocator.ClassNames[(int)prediction.PredictedClass],-12} " +
                      $"(p = {prediction.Score.Max():F2}), true class {FashionMnistLocator.ClassNames[record.Label]}");
}
aavae.Dispose();

public sealed class FashionImage
{
    [VectorType(784)] public float[] Image = [];
    public float Label;
}

public sealed class ClassPrediction
{
    public float PredictedClass;
    public float[] Score = [];
}
