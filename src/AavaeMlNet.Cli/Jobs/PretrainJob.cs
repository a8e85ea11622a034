using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Locators;
using AavaeMlNet.Data.Manifests;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Io;
using AavaeMlNet.MLNet;
using AavaeMlNet.Training;
using Microsoft.ML;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>What `aavae pretrain` wrote.</summary>
public sealed record PretrainJobResult(string ModelPath, string CheckpointPath, int EmbeddingSize, int Images);

/// <summary>
/// `aavae pretrain`: reads the chosen images, fits <see cref="AavaeEstimator"/> and saves the transformer alone as an
/// ML.NET zip (atomically) with encoder.ckpt beside it. Cancellation leaves last.ckpt in the checkpoint directory.
/// </summary>
public static class PretrainJob
{
    public static async Task<PretrainJobResult> RunAsync(PretrainJobOptions options, TextWriter log,
        Action<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var rejects = options.Input.OnBadImage == UndecodableImagePolicy.Skip ? new RejectsFile() : null;
        var (source, manifest) = await OpenAsync(options.Input, log, cancellationToken, rejects);
        var info = source.Info;
        string checkpoints = options.EffectiveCheckpointDirectory;
        string? resumeFrom = null;
        if (options.Resume)
        {
            resumeFrom = Path.Combine(checkpoints, Checkpoint.LatestFileName);
            if (!File.Exists(resumeFrom))
                throw new FileNotFoundException(
                    $"Cannot resume: '{resumeFrom}' does not exist (give the --checkpoint-dir of the interrupted run).",
                    resumeFrom);
        }
        var settings = WithManifestViews(options.Settings, manifest);
        var estimatorOptions = new AavaeEstimator.Options(settings)
        {
            Channels = info.Channels,
            ImageHeight = info.Height,
            ImageWidth = info.Width,
            CacheInMemory = options.Cache,
            CheckpointDirectory = checkpoints,
            ResumeFrom = resumeFrom,
            ResumeOnOtherData = options.ResumeOnOtherData,
            CheckpointSaved = saved => log.WriteLine($"checkpoint written: {saved.Path} (epoch {saved.Epoch + 1}, " +
                $"step {saved.StepInEpoch}/{saved.StepsPerEpoch}, {saved.Step} steps in all, {saved.Bytes:N0} bytes)"),
            ProgressEverySteps = 10,
            Progress = progress,
            Log = log.WriteLine,
            CancellationToken = cancellationToken,
        };
        var ml = new MLContext((int)settings.SeedOrDefault());
        var data = source.ToDataView();
        log.WriteLine($"Checkpoints in {checkpoints}.");
        using var transformer = ml.Transforms.PretrainAavae(estimatorOptions).Fit(data);

        string output = Path.GetFullPath(options.Output);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        string checkpoint = Path.Combine(Path.GetDirectoryName(output)!, "encoder.ckpt");
        ModelFiles.Write(ml, transformer, data.Schema, transformer, output, checkpoint,
            int8Calibration: options.Int8 ? data : null);
        if (options.Int8) log.WriteLine($"Int8 encoder: {ModelEmbedder.Int8OnnxPathOf(output)}.");
        if (rejects is not null)
        {
            rejects.Write(output + ".rejects.csv");
            log.WriteLine($"Skipped {rejects.Count:N0} unreadable image(s); listed in {output}.rejects.csv.");
        }
        return new PretrainJobResult(output, checkpoint, transformer.EmbeddingSize, source.Count);
    }

    /// <summary>
    /// A manifest declares its data set's view preset and normalization; they apply unless the settings hold a whole
    /// view distribution. An explicit preset (--preset) still wins over the manifest's, with the manifest's
    /// normalization, which belongs to the data, not to the preset. Views the manifest chose carry it as their origin,
    /// so the run header does not count them as the user's.
    /// </summary>
    internal static AavaeSettings WithManifestViews(AavaeSettings settings, DatasetManifest? manifest)
    {
        if (manifest is null || settings.Augmentation is not null) return settings;
        var preset = settings.Preset ?? Enum.Parse<AugmentationPreset>(manifest.AugmentationPreset, ignoreCase: true);
        var views = settings.Copy();
        views.Augmentation = AugmentationOptions.Of(preset) with
        {
            Normalization = new Normalization([.. manifest.Normalization.Mean], [.. manifest.Normalization.Std]),
        };
        if (settings.Preset is null)
            views.AugmentationOrigin = (preset.ToString().ToLowerInvariant(),
                $"declared by the {manifest.Name} manifest, with its normalization", views.Augmentation);
        return views;
    }

    /// <summary>Opens exactly one of the input kinds; the manifest too when the input is one.</summary>
    public static async Task<(ImageSource Source, DatasetManifest? Manifest)> OpenAsync(PretrainInput input,
        TextWriter log,
        CancellationToken cancellationToken, RejectsFile? rejects = null)
    {
        int kinds = new[] { input.Dataset, input.Manifest, input.Idx, input.Folder }.Count(s => s is not null);
        if (kinds != 1)
            throw new ArgumentException(
                "Give exactly one input: --data NAME, --manifest PATH, --idx FILE or --folder DIR.");
        if (input.Idx is { } idx) return (new IdxSource(idx, input.Labels), null);
        if (input.Folder is { } folder)
        {
            var options = new ImageFolderOptions
            {
                Width = input.Size,
                Height = input.Size,
                Channels = input.Channels ?? 3,
                OnUndecodable = input.OnBadImage,
                OnSkipped = rejects is null ? null : rejects.Add,
            };
            var source = new ImageFolderSource(folder, options);
            if (input.Channels is not null || !source.FirstImagesAreGrayscale()) return (source, null);
            log.WriteLine("Channels 1: the first 64 images of the folder are grayscale (R = G = B in every pixel); " +
                "--channels 3 trains on them as colour images.");
            return (new ImageFolderSource(folder, new ImageFolderOptions
            {
                Width = options.Width,
                Height = options.Height,
                Channels = 1,
                OnUndecodable = options.OnUndecodable,
                OnSkipped = options.OnSkipped,
            }), null);
        }
        if (input.Dataset is { } name && !DatasetManifest.BuiltInNames.Contains(name))
            throw new ArgumentException(
                $"Unknown data set '{name}': expected one of {string.Join(", ", DatasetManifest.BuiltInNames)}.");
        string directory = input.DataDirectory ?? throw new ArgumentException("--data and --manifest need --data-dir.");
        if (input.Dataset == "fashion-mnist")
            directory =
                (await FashionMnistLocator.EnsureAsync(directory, log.WriteLine, allowAptInstall: true,
                cancellationToken: cancellationToken)).Directory;
        var manifest = ManifestSources.Load(input.Dataset ?? input.Manifest!);
        return (ManifestSources.Open(manifest, directory, input.Part), manifest);
    }
}
