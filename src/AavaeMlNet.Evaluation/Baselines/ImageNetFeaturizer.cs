using System.Security.Cryptography;
using AavaeMlNet.Evaluation.Embeddings;
using Microsoft.ML;
using Microsoft.ML.Data;
using static Microsoft.ML.Transforms.Image.ImagePixelExtractingEstimator;

namespace AavaeMlNet.Evaluation.Baselines;

/// <summary>
/// ML.NET's ImageNet featurizer (<c>DnnFeaturizeImage</c>) fed the way an ML.NET user feeds it: the pixels become an
/// image (<c>ConvertToImage</c>, gray replicated to RGB), are resized to 224 x 224 (<c>ResizeImages</c>), extracted as
/// planar 0-255 RGB (<c>ExtractPixels</c>) and go through the package's own preprocessing network and the ImageNet
/// network. The fitted pipeline is kept per image shape, so its ONNX sessions load once.
/// </summary>
public sealed class ImageNetFeaturizer : BaselineFeaturizer, IDisposable
{
    /// <summary>The side ImageNet networks take.</summary>
    public const int Side = 224;

    private readonly MLContext ml = new(0);
    private readonly Dictionary<(int, int, int), ITransformer> pipelines = [];
    private readonly Lazy<string> fingerprint;

    /// <summary>A featurizer of <paramref name="model"/> whose files lie under <paramref name="modelDirectory"/>
    /// (default: the DnnImageModels folder that the model's package copies next to the application).</summary>
    public ImageNetFeaturizer(ImageNetModel model, string? modelDirectory = null)
    {
        Model = model;
        ModelDirectory = modelDirectory ?? Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
        fingerprint = new Lazy<string>(() =>
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (string file in ModelFiles())
                using (var stream = File.OpenRead(file))
                    sha.AppendData(SHA256.HashData(stream));
            return $"{Model.Id}; model files {Convert.ToHexString(sha.GetHashAndReset())}; " +
                   $"ConvertToImage, ResizeImages {Side}x{Side}, ExtractPixels planar RGB 0-255";
        });
    }

    /// <summary>The ImageNet network.</summary>
    public ImageNetModel Model { get; }

    /// <summary>The folder holding the model's files.</summary>
    public string ModelDirectory { get; }

    /// <inheritdoc/>
    public override string Id => Model.Id;

    /// <inheritdoc/>
    public override string Name => Model.Name;

    /// <inheritdoc/>
    public override long ModelBytes => ModelFiles().Sum(file => new FileInfo(file).Length);

    /// <inheritdoc/>
    public override string Fingerprint => fingerprint.Value;

    /// <inheritdoc/>
    public override bool IsWorthCaching => true;

    /// <inheritdoc/>
    public override int Dimension((int Channels, int Height, int Width) shape) => Model.Dimension;

    /// <inheritdoc/>
    public override EmbeddingMatrix Featurize(ReadOnlyMemory<float> pixels, int count,
        (int Channels, int Height, int Width) shape, CancellationToken cancellationToken = default)
    {
        var (channels, height, width) = shape;
        if (channels is not (1 or 3))
            throw new ArgumentException(
                $"{Name} takes gray or RGB images; these have {channels} channels.", nameof(shape));
        int size = channels * height * width;
        if (pixels.Length < (long)count * size)
            throw new ArgumentException(
                $"Expected {(long)count * size} pixel values for {count} images of {channels}x{height}x{width}, " +
                $"got {pixels.Length}.", nameof(pixels));
        var pipeline = Pipeline(shape);
        var features = new float[(long)count * Model.Dimension];
        if (count == 0) return new EmbeddingMatrix(features, 0, Model.Dimension);
        var output = pipeline.Transform(ml.Data.LoadFromEnumerable(Rows(pixels, count, shape, cancellationToken),
            RowSchema(height, width)));
        var column = output.Schema[FeaturesColumn];
        using var cursor = output.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        int index = 0;
        while (cursor.MoveNext())
        {
            getter(ref row);
            row.DenseValues().ToArray().CopyTo(features, (long)index * Model.Dimension);
            index++;
        }
        return new EmbeddingMatrix(features, count, Model.Dimension);
    }

    /// <summary>Releases the ONNX sessions.</summary>
    public void Dispose()
    {
        foreach (var pipeline in pipelines.Values) (pipeline as IDisposable)?.Dispose();
        pipelines.Clear();
    }

    private const string PixelsColumn = "Pixels";
    private const string FeaturesColumn = "Features";

    private sealed class PixelRow
    {
        public float[] Pixels { get; set; } = [];
    }

    private static SchemaDefinition RowSchema(int height, int width)
    {
        var schema = SchemaDefinition.Create(typeof(PixelRow));
        schema[nameof(PixelRow.Pixels)].ColumnType =
            new VectorDataViewType(NumberDataViewType.Single, 3 * height * width);
        return schema;
    }

    // Planar RGB in 0-255, as ConvertToImage takes it; a gray plane is repeated three times.
    private static IEnumerable<PixelRow> Rows(ReadOnlyMemory<float> pixels, int count,
        (int Channels, int Height, int Width) shape, CancellationToken cancellationToken)
    {
        int plane = shape.Height * shape.Width;
        int size = shape.Channels * plane;
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = pixels.Span.Slice(i * size, size);
            var rgb = new float[3 * plane];
            for (int c = 0; c < 3; c++)
            {
                var source = image.Slice(shape.Channels == 1 ? 0 : c * plane, plane);
                for (int p = 0; p < plane; p++) rgb[c * plane + p] = source[p] * 255f;
            }
            yield return new PixelRow { Pixels = rgb };
        }
    }

    private ITransformer Pipeline((int Channels, int Height, int Width) shape)
    {
        if (pipelines.TryGetValue(shape, out var fitted)) return fitted;
        ModelFiles();
        var estimator = ml.Transforms.ConvertToImage(shape.Height, shape.Width, "Image", PixelsColumn, ColorBits.Rgb)
            .Append(ml.Transforms.ResizeImages("Resized", Side, Side, "Image"))
            .Append(ml.Transforms.ExtractPixels("Input", "Resized"))
            .Append(ml.Transforms.DnnFeaturizeImage(FeaturesColumn,
                m => Model.Select(m.ModelSelector, ml, m.OutputColumn, m.InputColumn, ModelDirectory), "Input"));
        fitted = estimator.Fit(
            ml.Data.LoadFromEnumerable(Array.Empty<PixelRow>(), RowSchema(shape.Height, shape.Width)));
        pipelines[shape] = fitted;
        return fitted;
    }

    private IEnumerable<string> ModelFiles()
    {
        var files = Model.Files.Select(file => Path.Combine(ModelDirectory, file)).ToList();
        var missing = files.Where(file => !File.Exists(file)).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"{Model.Name} needs its model file(s) {string.Join(", ", missing)}; the NuGet package " +
                $"{Model.Package} copies them into the application's DnnImageModels folder: add that package to " +
                "the application (or give the folder that holds them).", missing[0]);
        return files;
    }
}
