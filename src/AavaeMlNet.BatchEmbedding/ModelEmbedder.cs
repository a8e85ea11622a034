using AavaeMlNet.Data.Readers;
using AavaeMlNet.MLNet;
using AavaeMlNet.Pixels;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace AavaeMlNet.BatchEmbedding;

/// <summary>One embedded image: its position in the input, its label (null when unlabeled) and the embedding.</summary>
public sealed record EmbeddedImage(int Index, int? Label, float[] Embedding);

/// <summary>
/// A saved ML.NET model (the AAVAE transformer alone, or a whole pipeline) used to embed images: the model is cut
/// after the first stage that produces the embedding column, so a downstream normalizer or probe never rewrites it.
/// Images go through in chunks, so any number of them are embedded in bounded memory. ML.NET's OnnxTransformer runs
/// the encoder one row per call; where the batched export of the same encoder lies beside the model (X.onnx beside
/// X.zip, as `aavae pretrain` writes it), each chunk goes through ONNX Runtime in one call instead, once the first
/// rows have shown that both give the same embeddings (within <see cref="OnnxTolerance"/>).
/// </summary>
public sealed class ModelEmbedder : IDisposable
{
    /// <summary>The largest difference allowed between the batched export and the model.zip on the first rows.
    /// </summary>
    public const float OnnxTolerance = 1e-4f;

    private const int RowsCompared = 16;

    private readonly MLContext ml;
    private readonly ITransformer model;
    private readonly SchemaDefinition rowSchema;
    private OnnxEncoder? onnx;
    private bool onnxChecked;

    private ModelEmbedder(MLContext ml, ITransformer model, ImageColumn input, string column, int size)
    {
        this.ml = ml;
        this.model = model;
        Input = input;
        Column = column;
        Size = size;
        rowSchema = SchemaDefinition.Create(typeof(PixelRow));
        var pixels = rowSchema[nameof(PixelRow.Pixels)]; // the indexer finds columns by their current name
        pixels.ColumnType = new VectorDataViewType(NumberDataViewType.Single, input.Length);
        pixels.ColumnName = input.ColumnName;
    }

    /// <summary>Full path of the model file.</summary>
    public string ModelPath { get; private init; } = "";

    /// <summary>The model's image input (column and shape).</summary>
    public ImageColumn Input { get; }

    /// <summary>The embedding column read.</summary>
    public string Column { get; }

    /// <summary>Length of an embedding.</summary>
    public int Size { get; }

    /// <summary>The image shape every input must have.</summary>
    public (int Channels, int Height, int Width) Shape => (Input.Channels, Input.Height, Input.Width);

    /// <summary>Loads <paramref name="path"/> and resolves its image input and <paramref name="column"/>.</summary>
    /// <param name="ml">The context to load and run the model in.</param>
    /// <param name="path">The model zip (the AAVAE transformer alone or a pipeline that contains it).</param>
    /// <param name="column">The embedding column; the model is cut after the first stage that produces it.</param>
    /// <param name="imageColumn">The input column holding CHW pixels; null takes "Image", else the only known-size
    /// float vector.</param>
    /// <param name="int8">Embed with the int8 encoder beside the model (X.int8.onnx, <see cref="Int8OnnxPathOf"/>)
    /// instead of the float one: about twice as fast on the CPU; its embeddings must agree with the model's to a
    /// cosine of <see cref="OnnxEncoder.Int8Agreement"/> on the first rows.</param>
    /// <exception cref="FileNotFoundException">The model, or with <paramref name="int8"/> its int8 encoder, is
    /// missing.</exception>
    public static ModelEmbedder Load(MLContext ml, string path, string column = "Embedding", string? imageColumn = null,
        bool int8 = false)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        ITransformer loaded;
        DataViewSchema inputSchema;
        try
        {
            loaded = ml.Model.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is not (IOException or OutOfMemoryException))
        {
            throw new InvalidDataException($"Model file '{path}' is not an ML.NET model: {e.Message}", e);
        }
        imageColumn ??= inputSchema.GetColumnOrNull("Image") is not null ? "Image"
            : inputSchema.Where(c => c.Type is VectorDataViewType { ItemType: var t, IsKnownSize: true }
                && t == NumberDataViewType.Single)
                .Select(c => c.Name).SingleOrDefault()
            ?? throw new ArgumentException(
                $"Model '{path}' has no single pixel input column; name it as imageColumn.", nameof(imageColumn));
        var input = ImageColumn.FromSchema(inputSchema, imageColumn, null, null, "model");

        var builder = new DataViewSchema.Builder();
        builder.AddColumn(imageColumn, inputSchema[imageColumn].Type);
        var schema = builder.ToSchema();
        var stages = new List<ITransformer>();
        foreach (var stage in Flatten(loaded))
        {
            schema = stage.GetOutputSchema(schema);
            stages.Add(stage);
            if (schema.GetColumnOrNull(column) is { } found)
            {
                if (found.Type is not VectorDataViewType { ItemType: var item, IsKnownSize: true } vector
                    || item != NumberDataViewType.Single)
                    throw new ArgumentException(
                        $"Column '{column}' of model '{path}' is {found.Type}, not a known-size Vector<Single>.");
                var chain = new TransformerChain<ITransformer>(stages.ToArray());
                var embedder = new ModelEmbedder(ml, chain, input, column, vector.Size)
                {
                    ModelPath = Path.GetFullPath(path),
                    Int8 = int8,
                };
                if (int8) embedder.AttachInt8(Int8OnnxPathOf(embedder.ModelPath));
                else embedder.AttachOnnx(OnnxPathOf(embedder.ModelPath));
                return embedder;
            }
        }
        throw new ArgumentException(
            $"Model '{path}' produces no column '{column}'; give the embedding column's name as column.",
            nameof(column));
    }

    /// <summary>
    /// Where the batched export of the encoder in <paramref name="modelPath"/> lies: X.onnx beside X.zip, the file
    /// every saving command of the tool writes and <see cref="Load"/> looks for.
    /// </summary>
    public static string OnnxPathOf(string modelPath) => Path.ChangeExtension(modelPath, ".onnx");

    /// <summary>
    /// Where the int8 encoder of the model in <paramref name="modelPath"/> lies: X.int8.onnx beside X.zip, as the
    /// tool's pretrain writes it when asked for int8.
    /// </summary>
    public static string Int8OnnxPathOf(string modelPath) => Path.ChangeExtension(modelPath, ".int8.onnx");

    /// <summary>How the images are embedded, and why: for the job's log.</summary>
    public string Engine { get; private set; } = "";

    /// <summary>True when the int8 encoder embeds (<see cref="Load"/>'s int8).</summary>
    public bool Int8 { get; private init; }

    /// <summary>
    /// What the embeddings come from, by content: the model file's SHA-256, and with <see cref="Int8"/> "+int8:" and
    /// the int8 encoder's SHA-256 (recorded in a job's journal and manifest).
    /// </summary>
    public string Identity() => Int8
        ? $"{EmbeddingManifest.Sha256(ModelPath)}+int8:{EmbeddingManifest.Sha256(Int8OnnxPathOf(ModelPath))}"
        : EmbeddingManifest.Sha256(ModelPath);

    private void AttachInt8(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"No int8 encoder '{path}' beside the model: write it with AavaeTransformer.ExportOnnxInt8, or embed " +
                "without int8.", path);
        onnx = new OnnxEncoder(File.ReadAllBytes(path), Column);
        if (onnx.ImageLength != Input.Length || onnx.Size != Size)
        {
            int length = onnx.ImageLength, size = onnx.Size;
            onnx.Dispose();
            throw new InvalidDataException(
                $"The int8 encoder '{path}' takes {length} values and gives {size}; the model takes {Input.Length} " +
                $"and gives {Size}: it belongs to another model.");
        }
        Engine = $"{Path.GetFileName(path)} (int8) in ONNX Runtime, a chunk per call (its first {RowsCompared} rows " +
                 $"checked against the model: cosine at least {OnnxEncoder.Int8Agreement})";
    }

    private void AttachOnnx(string onnxPath)
    {
        string name = Path.GetFileName(onnxPath);
        if (!File.Exists(onnxPath))
        {
            Engine = $"the model one row per call (ML.NET's OnnxTransformer; no {name} beside it to run in batches)";
            return;
        }
        try
        {
            onnx = new OnnxEncoder(File.ReadAllBytes(onnxPath), Column);
        }
        catch (Exception e) when (e is ArgumentException or OnnxRuntimeException)
        {
            Engine = $"the model one row per call ({name} beside it cannot run here: {e.Message})";
            return;
        }
        if (onnx.ImageLength != Input.Length || onnx.Size != Size)
        {
            Engine = $"the model one row per call ({name} beside it takes {onnx.ImageLength} values and gives " +
                     $"{onnx.Size}, the model {Input.Length} and {Size})";
            onnx.Dispose();
            onnx = null;
            return;
        }
        Engine = $"{name} in ONNX Runtime, a chunk per call (its first {RowsCompared} rows checked against the model)";
    }

    /// <summary>Embeds <paramref name="records"/> in order, <paramref name="chunkSize"/> at a time.</summary>
    public IEnumerable<EmbeddedImage> Embed(IEnumerable<ImageRecord> records, int chunkSize = 1024,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        var chunk = new List<ImageRecord>(chunkSize);
        foreach (var record in records)
        {
            chunk.Add(record);
            if (chunk.Count < chunkSize) continue;
            foreach (var embedded in EmbedChunk(chunk, cancellationToken)) yield return embedded;
            chunk.Clear();
        }
        foreach (var embedded in EmbedChunk(chunk, cancellationToken)) yield return embedded;
    }

    /// <summary>Embeds a whole (labelled or not) source into memory, e.g. for a probe.</summary>
    public (float[] Values, int[] Labels, int Count) EmbedAll(ImageSource source, int chunkSize,
        CancellationToken cancellationToken)
    {
        var values = new List<float>();
        var labels = new List<int>();
        foreach (var e in Embed(source.Read(), chunkSize, cancellationToken))
        {
            values.AddRange(e.Embedding);
            labels.Add(e.Label ?? ImageRecord.NoLabel);
        }
        return (values.ToArray(), labels.ToArray(), labels.Count);
    }

    private List<EmbeddedImage> EmbedChunk(List<ImageRecord> chunk, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (chunk.Count == 0) return [];
        if (onnx is not null && !onnxChecked) CheckOnnx(chunk);
        return onnx is null ? EmbedThroughModel(chunk) : EmbedThroughOnnx(chunk, onnx);
    }

    // The batched export must give the model's own embeddings: compared on the first rows, else not used.
    private void CheckOnnx(List<ImageRecord> chunk)
    {
        var sample = chunk.Take(RowsCompared).ToList();
        var expected = EmbedThroughModel(sample);
        var actual = EmbedThroughOnnx(sample, onnx!);
        onnxChecked = true;
        if (Int8)
        {
            double least = expected.Zip(actual).Min(p => OnnxEncoder.Cosine(p.First.Embedding, p.Second.Embedding));
            if (least >= OnnxEncoder.Int8Agreement) return;
            throw new InvalidDataException(
                $"The int8 encoder '{Int8OnnxPathOf(ModelPath)}' agrees with the model only to a cosine of " +
                $"{least:F4} on the first rows ({OnnxEncoder.Int8Agreement} needed): it belongs to another model or " +
                "quantizes it badly. Write it again, or embed without int8.");
        }
        float worst = expected.Zip(actual)
            .Max(p => p.First.Embedding.Zip(p.Second.Embedding).Max(v => Math.Abs(v.First - v.Second)));
        if (worst <= OnnxTolerance) return;
        Engine = $"the model one row per call ({Path.GetFileName(OnnxPathOf(ModelPath))} beside " +
                 $"it differs from the model by up to {worst:G3} on the first rows: it belongs to another model)";
        onnx!.Dispose();
        onnx = null;
    }

    private List<EmbeddedImage> EmbedThroughOnnx(List<ImageRecord> chunk, OnnxEncoder encoder)
    {
        int length = Input.Length;
        var pixels = new float[chunk.Count * length];
        for (int i = 0; i < chunk.Count; i++)
            PixelScale.ToUnit(chunk[i].PixelsChw.AsSpan(0, length), pixels.AsSpan(i * length, length));
        var values = new float[chunk.Count * Size];
        encoder.Embed(pixels, chunk.Count, values);
        var result = new List<EmbeddedImage>(chunk.Count);
        for (int i = 0; i < chunk.Count; i++)
        {
            var record = chunk[i];
            int? label = record.Label == ImageRecord.NoLabel ? null : record.Label;
            result.Add(new EmbeddedImage(record.Index, label, values[(i * Size)..((i + 1) * Size)]));
        }
        return result;
    }

    private List<EmbeddedImage> EmbedThroughModel(List<ImageRecord> chunk)
    {
        var result = new List<EmbeddedImage>(chunk.Count);
        var rows = chunk.Select(r => new PixelRow { Pixels = PixelScale.ToUnit(r.PixelsChw) });
        var output = model.Transform(ml.Data.LoadFromEnumerable(rows, rowSchema));
        var column = output.Schema[Column];
        using var cursor = output.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var value = default(VBuffer<float>);
        int i = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            var record = chunk[i++];
            int? label = record.Label == ImageRecord.NoLabel ? null : record.Label;
            result.Add(new EmbeddedImage(record.Index, label, value.DenseValues().ToArray()));
        }
        return result;
    }

    public void Dispose() => onnx?.Dispose();

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [transformer];

    private sealed class PixelRow
    {
        public float[] Pixels { get; set; } = [];
    }
}
