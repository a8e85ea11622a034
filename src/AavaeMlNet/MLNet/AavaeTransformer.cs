using System.Text.Json;
using AavaeMlNet.Augmentations;
using AavaeMlNet.Model;
using AavaeMlNet.Onnx;
using AavaeMlNet.PyTorch;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Onnx;
using static TorchSharp.torch;

namespace AavaeMlNet.MLNet;

/// <summary>
/// A pretrained AAVAE encoder as an ML.NET transformer: adds a fixed-size Vector&lt;Single&gt; embedding column
/// (the backbone's embedding by default: the paper's pooled h, then the grid; or mu). Transform is lazy and batched;
/// the transformer is a row-to-row mapper (PredictionEngine) and safe for concurrent cursors.
/// <para>Saving: <c>mlContext.Model.Save</c> stores the encoder as an ONNX model inside ML.NET's own
/// <c>OnnxTransformer</c> (preceded by the same pixel extraction), so a loaded model needs ONNX Runtime but no
/// TorchSharp and yields the same column (within 1e-4). <see cref="SaveCheckpoint"/> keeps the TorchSharp weights
/// for further pretraining.</para>
/// </summary>
public sealed class AavaeTransformer : ITransformer, IDisposable
{
    private readonly TransformsCatalog catalog;
    private readonly EmbeddingModel model;
    private readonly ITransformer? pixelTransformer;
    private readonly DataViewSchema pixelInputSchema;
    private readonly int batchSize;
    private IReadOnlyDictionary<string, ActivationRange>? int8Ranges;
    private bool disposed;

    internal AavaeTransformer(TransformsCatalog catalog, AavaeModel model, ImageColumn input, string outputColumnName,
        Representation representation, int batchSize, ITransformer? pixelTransformer, AugmentationOptions augmentation,
        TrainingOptions training, Device device)
    {
        this.catalog = catalog;
        this.model = new EmbeddingModel(model, augmentation.Normalization, representation, device);
        Input = input;
        OutputColumnName = outputColumnName;
        this.batchSize = batchSize;
        this.pixelTransformer = pixelTransformer;
        Augmentation = augmentation;
        Training = training;
        pixelInputSchema = InputSchemaOf(input);
    }

    /// <summary>The schema of the one input column this transformer reads (the schema to save it with).</summary>
    public DataViewSchema InputSchema => pixelInputSchema;

    private static DataViewSchema InputSchemaOf(ImageColumn input)
    {
        var builder = new DataViewSchema.Builder();
        if (input.Kind == ImageColumnKind.Image)
            builder.AddColumn(input.ColumnName, new ImageDataViewType(input.Height, input.Width));
        else builder.AddColumn(input.ColumnName, new VectorDataViewType(NumberDataViewType.Single, input.Length));
        return builder.ToSchema();
    }

    /// <summary>The input column and image shape the encoder was trained on.</summary>
    public ImageColumn Input { get; }

    /// <summary>Name of the embedding column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Length of the embedding vector.</summary>
    public int EmbeddingSize => model.Size;

    /// <summary>Which vector is emitted.</summary>
    public Representation Representation => model.Representation;

    /// <summary>The architecture and objective of the pretrained model.</summary>
    public AavaeConfig Config => model.Model.Config;

    /// <summary>The view distribution used in pretraining (its normalization is applied before the encoder).</summary>
    public AugmentationOptions Augmentation { get; }

    /// <summary>The optimisation settings of the pretraining run.</summary>
    public TrainingOptions Training { get; }

    /// <summary>The TorchSharp model (evaluation mode), e.g. for reconstructions and analyses.</summary>
    public AavaeModel Model => model.Model;

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema, nameof(inputSchema));
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, EmbeddingSize));
        return builder.ToSchema();
    }

    public IDataView Transform(IDataView input)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var schema = GetOutputSchema(input.Schema);
        var pixels = pixelTransformer?.Transform(input) ?? input;
        return new EmbeddingDataView(input, pixels, PixelColumns.SourceColumn(Input, OutputColumnName), schema, model,
            batchSize);
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        CheckInput(inputSchema, nameof(inputSchema));
        return new EmbeddingRowMapper(this, inputSchema, pixelTransformer,
            PixelColumns.SourceColumn(Input, OutputColumnName));
    }

    /// <summary>Embeds one image (CHW pixels in [0, 1]) into <paramref name="embedding"/>.</summary>
    public void EmbedOne(float[] pixels, float[] embedding)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        model.Embed(pixels, 1, embedding);
    }

    /// <summary>
    /// Embeds <paramref name="count"/> images stored back to back (CHW, [0, 1]); writes count * EmbeddingSize floats.
    /// </summary>
    public void EmbedBatch(float[] pixels, int count, float[] embeddings)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        model.Embed(pixels, count, embeddings);
    }

    /// <summary>Writes the ONNX model of the encoder (input: CHW pixels in [0, 1], output: the embedding).</summary>
    /// <param name="destination">Where the model is written.</param>
    /// <param name="inputName">Name of the input; defaults to the pixel column's name.</param>
    /// <param name="outputName">Name of the embedding output; defaults to the output column's name.</param>
    /// <param name="singleImage">Fix the batch at 1 and output rank-1 vectors (the form ML.NET's
    /// OnnxTransformer needs).</param>
    public void ExportOnnx(Stream destination, string? inputName = null, string? outputName = null,
        bool singleImage = false)
    {
        var options = ExportOptions(inputName, outputName, singleImage);
        model.OnCpu(m => EncoderOnnxExporter.Export(m, model.Normalization, options, destination));
    }

    /// <summary>Images <see cref="ExportOnnxInt8"/> calibrates on unless told otherwise.</summary>
    public const int DefaultInt8CalibrationImages = 1024;

    /// <summary>
    /// Writes the encoder as an int8 ONNX model (the batched form of <see cref="ExportOnnx"/>): weights quantized per
    /// output channel, activations to uint8 over the ranges they take on the first <paramref name="images"/> rows of
    /// <paramref name="calibration"/> (unlabelled images of the kind to embed, in this transformer's input column).
    /// ONNX Runtime runs it with int8 kernels: about 2x the float graph on an AVX-512 CPU (docs/benchmarks.md). Its
    /// embeddings are close to the float ones, not equal: compare them before relying on it
    /// (<see cref="OnnxEncoder.Int8Agreement"/> is what `aavae embed --int8` requires).
    /// </summary>
    /// <returns>The calibrated range of each activation, by the name it has in the graph.</returns>
    /// <exception cref="ArgumentException"><paramref name="calibration"/> lacks the input column, or has no
    /// rows.</exception>
    public IReadOnlyDictionary<string, ActivationRange> ExportOnnxInt8(Stream destination, IDataView calibration,
        int images = DefaultInt8CalibrationImages)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(destination);
        var ranges = Calibrate(calibration, images);
        var options = ExportOptions(inputName: null, outputName: null, singleImage: false);
        model.OnCpu(m => EncoderOnnxExporter.Export(m, model.Normalization, options with { Int8Ranges = ranges },
            destination));
        return ranges;
    }

    /// <summary>
    /// Switches this transformer to the int8 encoder of <see cref="ExportOnnxInt8"/>, calibrated on the first
    /// <paramref name="images"/> rows of <paramref name="calibration"/>: <see cref="Transform"/>, the row mapper,
    /// <see cref="EmbedBatch"/> and <see cref="EmbedOne"/> then run it (about 2x the float encoder on an AVX-512 CPU,
    /// docs/benchmarks.md), and <c>mlContext.Model.Save</c> stores it in model.zip, so a loaded model embeds in int8
    /// too. Before switching, the int8 and float embeddings of the first <see cref="Int8CheckImages"/> calibration
    /// images are compared; below a cosine of <see cref="OnnxEncoder.Int8Agreement"/>, or on any error, the transformer
    /// keeps the encoder it had.
    /// </summary>
    /// <returns>The least cosine between the int8 and the float embedding of those images.</returns>
    /// <exception cref="ArgumentException"><paramref name="calibration"/> lacks the input column, or has no
    /// rows.</exception>
    /// <exception cref="NotSupportedException">The transformer embeds on a CUDA device (int8 runs in ONNX Runtime on
    /// the CPU).</exception>
    /// <exception cref="InvalidOperationException">The int8 embeddings disagree with the float ones; the message gives
    /// the cosine.</exception>
    public double UseInt8(IDataView calibration, int images = DefaultInt8CalibrationImages)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (model.Device.type != TorchSharp.DeviceType.CPU)
            throw new NotSupportedException(
                $"This transformer embeds on {model.Device}; the int8 encoder runs in ONNX Runtime on the CPU. Load " +
                "the model on the CPU to embed in int8.");
        var ranges = Calibrate(calibration, images);
        var options = ExportOptions(inputName: null, outputName: null, singleImage: false);
        var encoder = model.Export(options with { Int8Ranges = ranges });
        try
        {
            // Against an encoder of its own: the transformer's may already be int8 from an earlier call.
            using var reference = model.Export(options);
            var pixels = CalibrationPixels(calibration).Take(Math.Min(images, Int8CheckImages)).ToArray();
            var flat = pixels.SelectMany(p => p).ToArray();
            var expected = new float[pixels.Length * EmbeddingSize];
            var actual = new float[pixels.Length * EmbeddingSize];
            reference.Embed(flat, pixels.Length, expected);
            encoder.Embed(flat, pixels.Length, actual);
            double least = Enumerable.Range(0, pixels.Length).Min(i => OnnxEncoder.Cosine(
                actual.AsSpan(i * EmbeddingSize, EmbeddingSize), expected.AsSpan(i * EmbeddingSize, EmbeddingSize)));
            if (least < OnnxEncoder.Int8Agreement)
                throw new InvalidOperationException(
                    $"The int8 encoder agrees with the float one to a cosine of {least:F4} on the first " +
                    $"{pixels.Length} calibration images ({OnnxEncoder.Int8Agreement} needed); the transformer keeps " +
                    "the encoder it had. Calibrate on images like those you embed.");
            model.UseEncoder(encoder);
            int8Ranges = ranges;
            return least;
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Calibration images whose int8 and float embeddings <see cref="UseInt8"/> compares.</summary>
    public const int Int8CheckImages = 16;

    /// <summary>Whether the transformer embeds with the int8 encoder (<see cref="UseInt8"/>).</summary>
    public bool IsInt8 => int8Ranges is not null;

    // The calibrated range of every activation over the first images of the calibration data.
    private Dictionary<string, ActivationRange> Calibrate(IDataView calibration, int images)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(images, 1);
        var options = ExportOptions(inputName: null, outputName: null, singleImage: false);
        using var exposed = new MemoryStream();
        model.OnCpu(m => EncoderOnnxExporter.Export(m, model.Normalization, options with { ExposeActivations = true },
            exposed));
        return OnnxEncoder.Calibrate(exposed.ToArray(), CalibrationPixels(calibration).Take(images));
    }

    private IEnumerable<float[]> CalibrationPixels(IDataView calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        CheckInput(calibration.Schema, nameof(calibration));
        var pixels = pixelTransformer?.Transform(calibration) ?? calibration;
        return pixels.GetColumn<float[]>(PixelColumns.SourceColumn(Input, OutputColumnName));
    }

    private EncoderExportOptions ExportOptions(string? inputName, string? outputName, bool singleImage) => new()
    {
        SingleImage = singleImage,
        InputName = inputName ?? PixelColumns.SourceColumn(Input, OutputColumnName),
        EmbeddingName = Representation == Representation.Backbone
            ? outputName ?? OutputColumnName
            : $"{OutputColumnName}.Backbone",
        IncludeMu = Representation == Representation.Mu,
        MuName = outputName ?? OutputColumnName,
        Metadata = Training.Recipe.Count == 0
            ? []
            : [new(RecipeMetadataKey, JsonSerializer.Serialize(Training.Recipe))],
    };

    /// <summary>
    /// Key of the ONNX metadata entry (in model.zip and <see cref="ExportOnnx"/>) that holds the run's recipe: a JSON
    /// array of <see cref="RecipeChoice"/>, one per setting, the user's or the recipe's, and why.
    /// </summary>
    public const string RecipeMetadataKey = "aavae.recipe";

    /// <summary>
    /// Writes a native TorchSharp checkpoint of the pretrained model (weights, config, view distribution and
    /// training settings), from which <see cref="AavaeEstimator.Options.InitialCheckpoint"/> continues pretraining.
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        var header = new CheckpointHeader(
            Config, Augmentation, Training, Training.Epochs ?? 0, 0, 0, 0, model.Model.Compute.Precision);
        model.OnCpu(m => Checkpoint.Save(path, header, m, optimizer: null, generators: []));
    }

    /// <summary>
    /// A transformer for <paramref name="model"/> (which it then owns, disposing it on failure) with the columns of
    /// <paramref name="options"/>: what the catalog's LoadAavaeCheckpoint and ImportAavaePyTorch return.
    /// </summary>
    internal static AavaeTransformer FromModel(TransformsCatalog catalog, AavaeModel model,
        AugmentationOptions augmentation, TrainingOptions training, AavaeLoadOptions options)
    {
        try
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(options.InferenceBatchSize, 1, nameof(options));
            var c = model.Config;
            var image = new ImageColumn(options.InputColumnName, options.InputKind, c.Channels, c.Height, c.Width);
            var pixels = PixelColumns.Estimator(catalog, image, options.OutputColumnName)
                ?.Fit(new EmptyDataView(InputSchemaOf(image)));
            return new AavaeTransformer(catalog, model, image, options.OutputColumnName, options.Representation,
                options.InferenceBatchSize, pixels, augmentation, training, CPU);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the encoder, projection head and log_scale as a state_dict with the reference implementation's names
    /// (torch.save format); the reference model takes it with <c>load_state_dict(torch.load(path), strict=False)</c>,
    /// whose missing keys are the decoder's. Returns the number of tensors written.
    /// </summary>
    public int ExportPyTorch(string path)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        int written = 0;
        model.OnCpu(m => written = ReferenceImporter.Export(m, path));
        return written;
    }

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var stages = new List<ITransformer>();
        var schema = pixelInputSchema;
        if (pixelTransformer is not null)
        {
            stages.Add(pixelTransformer);
            schema = pixelTransformer.GetOutputSchema(schema);
        }
        // The single-image form makes OnnxTransformer type the output Vector<Single, h>, the type downstream trainers
        // saw. The pixel check makes the reloaded model refuse what Transform here refuses (PixelRows).
        var options = ExportOptions(inputName: null, outputName: null, singleImage: true) with
        {
            CheckPixels = true,
            Int8Ranges = int8Ranges,
        };
        // The graph goes to OnnxTransformer as a file of our own named *.onnx, not as a stream: ML.NET copies a stream
        // to a file named by Path.GetRandomFileName(), whose random extension is ".ort" once in 32,768 names, and ONNX
        // Runtime then reads the file as its ORT format and fails ("ORT model verification failed"; seen in this
        // project's tests; dotnet/machinelearning#7339). It also never deletes that copy.
        string file = Path.Combine(Path.GetTempPath(), $"aavae-encoder-{Guid.NewGuid():N}.onnx");
        OnnxTransformer? scorer = null;
        try
        {
            model.OnCpu(m => EncoderOnnxExporter.Export(m, model.Normalization, options, file));
            scorer = catalog.ApplyOnnxModel(OutputColumnName, PixelColumns.SourceColumn(Input, OutputColumnName), file)
                .Fit(new EmptyDataView(schema));
            stages.Add(scorer);
            schema = scorer.GetOutputSchema(schema);
            var temporary = PixelColumns.TemporaryColumns(Input, OutputColumnName);
            if (temporary.Length > 0) stages.Add(catalog.DropColumns(temporary).Fit(new EmptyDataView(schema)));
            ((ICanSaveModel)new TransformerChain<ITransformer>(stages.ToArray())).Save(ctx);
        }
        finally
        {
            scorer?.Dispose();
            File.Delete(file);
        }
    }

    private void CheckInput(DataViewSchema inputSchema, string parameterName)
    {
        var actual = ImageColumn.FromSchema(
            inputSchema, Input.ColumnName, Input.Channels, (Input.Height, Input.Width), parameterName);
        if (actual.Kind != Input.Kind)
            throw new ArgumentOutOfRangeException(parameterName,
                $"Schema mismatch for input column '{Input.ColumnName}': the encoder was trained on " +
                $"{(Input.Kind == ImageColumnKind.Image ? "an image column" : "a Vector<Single> column")}, got " +
                $"{inputSchema[Input.ColumnName].Type}");
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        model.Dispose();
    }
}
