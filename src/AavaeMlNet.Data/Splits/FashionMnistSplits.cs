using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Locators;
using AavaeMlNet.Data.Manifests;
using AavaeMlNet.Data.Readers;
using Microsoft.ML;

namespace AavaeMlNet.Data.Splits;

/// <summary>Fashion-MNIST as IDataViews ("Image": 784 pixels in [0, 1], "Label"), split as its manifest says.</summary>
public sealed record FashionMnistSplits(
    IDataView Pretrain, IDataView ProbeTrain, IDataView Test, ImageSource TestSource, IReadOnlyList<string> ClassNames)
{
    /// <summary>The 60,000 training images (pretrain and validation splits index into it).</summary>
    public required ImageSource TrainSource { get; init; }
    /// <summary>Indices of the manifest's pretrain split (55,000) in <see cref="TrainSource"/>.</summary>
    public required int[] PretrainIndices { get; init; }
    /// <summary>Indices of the manifest's validation split (5,000) in <see cref="TrainSource"/>.</summary>
    public required int[] ValidationIndices { get; init; }

    public static async Task<FashionMnistSplits> LoadAsync(string downloadDirectory, int pretrainImages,
        int probeTrainImages, Action<string> log, CancellationToken cancellationToken)
    {
        var files = await FashionMnistLocator.EnsureAsync(
            downloadDirectory, log, allowAptInstall: true, cancellationToken: cancellationToken);
        var manifest = DatasetManifest.LoadBuiltIn("fashion-mnist");
        var (_, pretrainIndices) = manifest.GetSplitPart("pretrain");
        var (_, validationIndices) = manifest.GetSplitPart("validation");
        if (pretrainImages < 2 || pretrainImages > pretrainIndices.Length)
            throw new ArgumentOutOfRangeException(nameof(pretrainImages), pretrainImages,
                $"pretrainImages must be between 2 and {pretrainIndices.Length}.");
        if (probeTrainImages < 10 || probeTrainImages > pretrainIndices.Length)
            throw new ArgumentOutOfRangeException(nameof(probeTrainImages), probeTrainImages,
                $"probeTrainImages must be between 10 and {pretrainIndices.Length}.");
        var train = files.OpenTrain();
        var test = files.OpenTest();
        log($"Fashion-MNIST from {files.Directory}: pretraining on {pretrainImages:N0} " +
            $"of the {pretrainIndices.Length:N0}-image pretrain split, " +
            $"probes fitted on {probeTrainImages:N0} labelled images, tested on the {test.Count:N0} test images.");
        return new FashionMnistSplits(
            train.Subset(pretrainIndices.Take(pretrainImages)).ToDataView(),
            train.Subset(pretrainIndices.Take(probeTrainImages)).ToDataView(),
            test.ToDataView(),
            test,
            FashionMnistLocator.ClassNames)
        {
            TrainSource = train, PretrainIndices = pretrainIndices, ValidationIndices = validationIndices,
        };
    }
}
