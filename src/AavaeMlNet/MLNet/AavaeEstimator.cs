using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Text;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace AavaeMlNet.MLNet;

/// <summary>
/// Pretrains an AAVAE model (augmentation-augmented VAE: the encoder sees an augmented view, the decoder reconstructs
/// the original) on the images of an IDataView and returns an <see cref="AavaeTransformer"/> that adds an embedding
/// column for downstream ML.NET trainers.
/// <list type="table">
/// <item><term>Input column</term><description>Image of known size (LoadImages + ResizeImages), or Vector&lt;Single&gt;
/// of known size in CHW order with values in [0, 1]</description></item>
/// <item><term>Output column</term><description>Vector&lt;Single&gt; of known size (the backbone embedding:
/// EmbeddingDim values, h and the grid; or latent size for mu)</description></item>
/// <item><term>Package</term><description>AavaeMlNet (TorchSharp for training; ONNX Runtime for
/// saved models)</description></item>
/// <item><term>Exportable to ONNX</term><description>Yes (the encoder;
/// <see cref="AavaeTransformer.ExportOnnx"/>)</description></item>
/// </list>
/// </summary>
public sealed class AavaeEstimator : IEstimator<AavaeTransformer>
{
    /// <summary>
    /// Every model, view and training setting (declared once in <see cref="AavaeSettings"/>, with the paper's defaults
    /// unless noted), plus what the estimator itself needs: columns, checkpoints, caching, inference and progress.
    /// </summary>
    public sealed class Options : AavaeSettings
    {
        /// <summary>Library defaults.</summary>
        public Options() { }

        /// <summary>Every setting of <paramref name="settings"/>, and the estimator's own defaults.</summary>
        public Options(AavaeSettings settings) : base(settings) { }

        /// <summary>Input column: image of known size, or Vector&lt;Single&gt; of CHW pixels in [0, 1].</summary>
        public string InputColumnName { get; set; } = "Image";
        /// <summary>Name of the embedding column added by the transformer.</summary>
        public string OutputColumnName { get; set; } = "Embedding";
        /// <summary>
        /// Channels to read: 1 (grayscale) or 3 (RGB). Null: 3 for image columns, inferred for vectors.
        /// </summary>
        public int? Channels { get; set; }
        /// <summary>Image height for a vector column (null: infer a square image from the vector size).</summary>
        public int? ImageHeight { get; set; }
        /// <summary>Image width for a vector column (null: infer a square image from the vector size).</summary>
        public int? ImageWidth { get; set; }

        /// <summary>
        /// Directory for training checkpoints (last.ckpt); null writes none. Their cadence:
        /// <see cref="AavaeSettings.CheckpointEveryEpochs"/>, <see cref="AavaeSettings.CheckpointEvery"/> and
        /// <see cref="AavaeSettings.CheckpointEverySteps"/>.
        /// </summary>
        public string? CheckpointDirectory { get; set; }
        /// <summary>Called after each checkpoint is written (also logged to <see cref="Context"/>).</summary>
        public Action<CheckpointSaved>? CheckpointSaved { get; set; }
        /// <summary>
        /// Resume an interrupted run from this checkpoint (exactly where it stopped). The checkpoint records its
        /// training data (count, shape, first images); a resume on other data is refused, naming each difference,
        /// unless <see cref="ResumeOnOtherData"/> is set.
        /// </summary>
        public string? ResumeFrom { get; set; }
        /// <summary>
        /// Let <see cref="ResumeFrom"/> continue on other data than its checkpoint's: the weights, optimizer state,
        /// step count and schedule carry on from the start of the next epoch, and the log says so.
        /// </summary>
        public bool ResumeOnOtherData { get; set; }
        /// <summary>
        /// Start from the weights of this checkpoint (e.g. from
        /// <see cref="AavaeTransformer.SaveCheckpoint"/>) and train anew.
        /// </summary>
        public string? InitialCheckpoint { get; set; }

        /// <summary>
        /// Hold all training pixels in memory as float32 when they fit <see cref="CacheBudgetMegabytes"/> (exact
        /// shuffles, no re-decoding each epoch, which a time budget would pay for); larger data streams through a
        /// shuffle pool. On by default.
        /// </summary>
        public bool CacheInMemory { get; set; } = true;
        /// <summary>Memory budget of the cache in MiB.</summary>
        public int CacheBudgetMegabytes { get; set; } = 2048;
        /// <summary>
        /// Skip training rows whose image cannot be read (ML.NET's LoadImages raises a bad file's error when the row is
        /// read) instead of failing; each is reported once to <see cref="BadImageSkipped"/> and as a warning to
        /// <see cref="Context"/>. A truncated PNG or JPEG still decodes there (the missing rows filled in), and the
        /// transformer cannot drop rows at inference: filter first, or read folders with ImageFolderSource.
        /// </summary>
        public bool SkipBadImages { get; set; }
        /// <summary>Receives a message naming each skipped row (with <see cref="SkipBadImages"/>).</summary>
        public Action<string>? BadImageSkipped { get; set; }
        /// <summary>Rows in the streaming shuffle pool when the data is not cached.</summary>
        public int ShufflePoolSize { get; set; } = 8192;

        /// <summary>Which vector the transformer emits: the backbone's embedding (h and the grid) or mu.</summary>
        public Representation Representation { get; set; } = Representation.Backbone;
        /// <summary>Images per network call when transforming.</summary>
        public int InferenceBatchSize { get; set; } = 256;

        /// <summary>Report progress every this many steps (epoch summaries are always reported).</summary>
        public int ProgressEverySteps { get; set; } = TrainingOptions.DefaultLogEverySteps;
        /// <summary>Receives every progress report (also written to <see cref="Context"/>'s Log when set).</summary>
        public Action<TrainingProgress>? Progress { get; set; }
        /// <summary>
        /// Receives the run's header as lines (also written to <see cref="Context"/>'s Log): the recipe's choice for
        /// every setting and why, the compute, the plan once it is settled, and each warning about settings that
        /// defeat the run (prefixed "Warning: ").
        /// </summary>
        public Action<string>? Log { get; set; }
        /// <summary>
        /// Called after each epoch with the epoch and the features of the model at that point (e.g. for an online
        /// probe: <c>OnlineProbe.Evaluate</c>).
        /// </summary>
        public Action<TrainedEpoch>? EpochCompleted { get; set; }
        /// <summary>
        /// The MLContext of the pipeline: its Log receives the header, progress and epoch summaries, and a run that
        /// sets no <see cref="AavaeSettings.Seed"/> draws its seed from it (so <c>new MLContext(seed: 1)</c> repeats a
        /// run). ML.NET's public API gives no way to reach the context from a TransformsCatalog, so the estimator
        /// takes it from here. <c>MLContext.CancelExecution</c> is not observable through ML.NET's public API: stop a
        /// run with <see cref="CancellationToken"/>.
        /// </summary>
        public MLContext? Context { get; set; }
        /// <summary>
        /// Stops training; a checkpoint of the exact position is written when a checkpoint directory is set.
        /// </summary>
        public CancellationToken CancellationToken { get; set; }
        /// <summary>
        /// Sees the model before its first training step (tests hook its modules to observe the batches).
        /// </summary>
        internal Action<AavaeModel>? ModelReady { get; set; }
    }

    private readonly TransformsCatalog catalog;
    private readonly Options options;

    /// <summary>The options this estimator was made with (for tests).</summary>
    internal Options Settings => options;

    /// <summary>Creates the estimator; prefer <c>mlContext.Transforms.PretrainAavae(...)</c>.</summary>
    public AavaeEstimator(TransformsCatalog catalog, Options options)
    {
        this.catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        if (string.IsNullOrWhiteSpace(options.InputColumnName))
            throw new ArgumentException("InputColumnName must be set.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.OutputColumnName))
            throw new ArgumentException("OutputColumnName must be set.", nameof(options));
        if (options.InferenceBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "InferenceBatchSize must be at least 1.");
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ImageColumn.CheckShape(inputSchema, options.InputColumnName, nameof(inputSchema));
        var column = inputSchema.Last(c => c.Name == options.InputColumnName);
        // SchemaShape.Column has no public constructor: take the Vector<Single> column from ML.NET's own estimators.
        IEstimator<ITransformer> shaper = column.ItemType is Microsoft.ML.Transforms.Image.ImageDataViewType
            ? catalog.ExtractPixels(options.OutputColumnName, options.InputColumnName)
            : catalog.CopyColumns(options.OutputColumnName, options.InputColumnName);
        return shaper.GetOutputSchema(inputSchema);
    }

    public AavaeTransformer Fit(IDataView input)
    {
        var budgetClock = System.Diagnostics.Stopwatch.StartNew();
        var declared = options.ImageHeight is { } h && options.ImageWidth is { } w ? (h, w) : ((int, int)?)null;
        if ((options.ImageHeight is null) != (options.ImageWidth is null))
            throw new ArgumentException("Set both ImageHeight and ImageWidth, or neither.", nameof(options));
        // A checkpoint fixes the channels (a resumed or initial model keeps its own), so only a new model looks.
        bool fromCheckpoint = options.ResumeFrom is not null || options.InitialCheckpoint is not null;
        int? channels = options.Channels
            ?? (!fromCheckpoint && GrayscaleImages(input, options.InputColumnName) ? 1 : null);
        var image = ImageColumn.FromSchema(input.Schema, options.InputColumnName, channels, declared, nameof(input));

        var pixelEstimator = PixelColumns.Estimator(catalog, image, options.OutputColumnName);
        var pixelTransformer = pixelEstimator?.Fit(input);
        var pixels = pixelTransformer?.Transform(input) ?? input;
        using var channel = options.Context is null
            ? null
            : ((IChannelProvider)options.Context).Start("AavaeEstimator");
        Action<string>? skipped = !options.SkipBadImages ? null : message =>
        {
            options.BadImageSkipped?.Invoke(message);
            channel?.Warning(MessageSensitivity.None, $"Skipped: {message}");
        };
        var source = new DataViewBatchSource(pixels, PixelColumns.SourceColumn(image, options.OutputColumnName),
            (image.Channels, image.Height, image.Width),
            options.CacheInMemory ? (long)options.CacheBudgetMegabytes << 20 : 0, options.ShufflePoolSize, skipped);

        void Log(string line)
        {
            options.Log?.Invoke(line);
            channel?.Info(MessageSensitivity.None, line);
        }
        void Warn(string warning)
        {
            options.Log?.Invoke("Warning: " + warning);
            channel?.Warning(MessageSensitivity.None, warning);
        }
        if (source.CacheDeclined is { } reason) Warn($"In-memory cache not used: {reason}; streaming instead.");

        // As ML.NET's own trainers do: a run that sets no seed draws one from its context's seeded random source.
        AavaeSettings settings = options;
        if (options.Seed is null && options.Context is { } context)
        {
            settings = options.Copy();
            settings.Seed = ((IHostEnvironment)context).Register(nameof(AavaeEstimator)).Rand.Next();
        }
        var resolved = settings.Resolve(image.Channels, image.Height, image.Width, source.Count);
        var config = resolved.Config;
        var training = resolved.Training with
        {
            CheckpointDirectory = options.CheckpointDirectory,
            LogEverySteps = options.ProgressEverySteps,
        };
        if (options.ResumeFrom is null)
        {
            if (options.Channels is null && !fromCheckpoint && image.Kind == ImageColumnKind.Image)
                Log(image.Channels == 1
                    ? $"Channels 1: the first {GrayscaleSample} images of column '{image.ColumnName}' are grayscale " +
                      "(equal red, green and blue); set Channels = 3 to train on RGB."
                    : $"Channels 3: column '{image.ColumnName}' is read as RGB (its first images are not all " +
                      "grayscale).");
            Log($"Pretraining {config.Variant} on {source.Count:N0} {image.Channels}x{image.Height}x{image.Width} " +
                $"images ({config.Depth}, width x{config.WidthMultiplier}, h = {config.FeatureDim}, {config.Stem} " +
                $"stem, {config.DescribeEmbedding()}{config.DescribeDecoder()}); " +
                $"compute {PrecisionSupport.Describe(training, config)}.");
            foreach (var line in resolved.Header()) Log(line);
            Log($"Seed {training.Seed} ({(options.Seed is not null ? "yours"
                : options.Context is null ? "the default: Options.Seed is not set"
                : "drawn from the MLContext of Options.Context, as ML.NET's trainers draw theirs")}).");
        }
        else Log($"Resuming from {options.ResumeFrom} with the settings it was written with.");

        var trainer = CreateTrainer(config, resolved.Augmentation, training);
        try
        {
            if (source.ImageShape != (trainer.Model.Config.Channels, trainer.Model.Config.Height,
                trainer.Model.Config.Width))
                throw new ArgumentOutOfRangeException(nameof(input),
                    $"Schema mismatch for input column '{image.ColumnName}': the checkpoint's model takes " +
                    $"{trainer.Model.Config.Channels}x{trainer.Model.Config.Height}x{trainer.Model.Config.Width} " +
                    $"images, the column holds {image.Channels}x{image.Height}x{image.Width}");
            trainer.Progress += progress =>
            {
                options.Progress?.Invoke(progress);
                if (channel is null) return;
                string line =
                    $"epoch {progress.Epoch + 1} " +
                    $"step {progress.StepInEpoch}/{progress.StepsPerEpoch}: " +
                    $"loss {progress.Loss:F2} (reconstruction {progress.Reconstruction:F2}, KL {progress.Kl:F2}, " +
                    $"mean log-variance of z {progress.LogVariance:F2}), " +
                    $"lr {progress.LearningRate:G3}, {progress.ImagesPerSecond:F0} images/s";
                if (progress.IsEpochEnd)
                    channel.Info(MessageSensitivity.None,
                        $"Epoch summary: {line}, elapsed {Duration.Format(progress.Elapsed)}");
                else channel.Trace(MessageSensitivity.None, line);
            };
            trainer.CheckpointSaved += saved =>
            {
                options.CheckpointSaved?.Invoke(saved);
                channel?.Info(MessageSensitivity.None, $"Checkpoint written: {saved.Path} (epoch {saved.Epoch + 1}, " +
                    $"step {saved.StepInEpoch}/{saved.StepsPerEpoch}, {saved.Step} steps in all).");
            };
            trainer.PlanSettled += plan => Log(plan.Describe(trainer.Options.BatchSize));
            trainer.Warning += Warn;
            trainer.SpentBeforeFit = budgetClock.Elapsed;
            if (options.EpochCompleted is { } epochCompleted)
                trainer.EpochCompleted += epoch =>
                    epochCompleted(new TrainedEpoch(epoch, trainer.Model, trainer.Augmentation.Normalization));
            options.ModelReady?.Invoke(trainer.Model);
            trainer.Fit(source, options.CancellationToken);
            string budget = trainer.Options.TimeBudget is { } b ? $" of the {Duration.ToText(b)} budget" : "";
            Log($"Pretrained in {Duration.Format(budgetClock.Elapsed)}{budget}: {trainer.Step:N0} steps, " +
                $"{(trainer.StoppedAtBudget ? "stopped by the budget" : "all epochs")}; {SpikeSummary(trainer)}.");
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        var model = trainer.Model;
        var device = trainer.Device;
        var finalTraining = trainer.Options;
        var finalAugmentation = trainer.Augmentation;
        return new AavaeTransformer(catalog, model, image, options.OutputColumnName, options.Representation,
            options.InferenceBatchSize, pixelTransformer, finalAugmentation, finalTraining, device);
    }

    // What the loss-spike guard saw, for the run's last line.
    private static string SpikeSummary(AavaeTrainer trainer) => trainer switch
    {
        { LossSpikes: [_, ..] spikes } =>
            $"{spikes.Count} loss spike(s) rolled back, at step(s) {string.Join(", ", spikes.Select(s => s.Step))}",
        { Options.LossSpikeFactor: null } => "no loss-spike guard",
        { LargestLossRatio: { } peak } => $"no loss spike (the largest step loss was {peak:F2}x its running mean)",
        _ => $"no loss judged for spikes (the guard arms after {LossSpikeGuard.ArmingSteps} steps)",
    };

    /// <summary>Rows of an image column looked at to tell grayscale images from colour ones.</summary>
    private const int GrayscaleSample = 64;

    // True when the column holds images and the first rows' pixels all have equal red, green and blue: grayscale
    // photographs stored as RGB or grayscale files, which train better as one channel with the grayscale views.
    private static bool GrayscaleImages(IDataView input, string columnName)
    {
        if (input.Schema.GetColumnOrNull(columnName) is not { Type: Microsoft.ML.Transforms.Image.ImageDataViewType }
            column)
            return false;
        using var cursor = input.GetRowCursor([column]);
        var getter = cursor.GetGetter<MLImage>(column);
        // Not disposed here: LoadImages disposes the previous image itself, and an in-memory column hands out the
        // caller's own images, which training reads again.
        MLImage? image = null;
        int seen = 0;
        try
        {
            while (seen < GrayscaleSample && cursor.MoveNext())
            {
                getter(ref image!);
                if (image is null) continue;
                if (image.PixelFormat != MLPixelFormat.Bgra32 && image.PixelFormat != MLPixelFormat.Rgba32)
                    return false;
                var pixels = image.Pixels;
                for (int i = 0; i + 3 < pixels.Length; i += 4)
                    if (pixels[i] != pixels[i + 1] || pixels[i] != pixels[i + 2]) return false;
                seen++;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException)
        {
            return false; // an unreadable row: leave the decision (and the error) to training
        }
        return seen > 0;
    }

    private AavaeTrainer CreateTrainer(AavaeConfig config, AugmentationOptions augmentation, TrainingOptions training)
    {
        if (options.ResumeFrom is { } resume)
        {
            var resumed = AavaeTrainer.Resume(resume, options.Epochs, options.Device);
            resumed.ResumeOnOtherData = options.ResumeOnOtherData;
            return resumed;
        }
        var trainer = new AavaeTrainer(config, augmentation, training);
        if (options.InitialCheckpoint is { } initial)
        {
            try
            {
                // Loaded in place on the trainer's device, so its optimizer keeps the model's own parameters.
                Checkpoint.Restore(initial, trainer.Model, optimizer: null, generators: []);
            }
            catch
            {
                trainer.Dispose();
                throw;
            }
        }
        return trainer;
    }
}
