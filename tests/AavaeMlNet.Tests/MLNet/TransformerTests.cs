using AavaeMlNet.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;
using static TorchSharp.torch;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>Shared fitted transformer: pretraining once keeps the suite fast.</summary>
public sealed class FittedTransformerFixture : IDisposable
{
    public FittedTransformerFixture()
    {
        Ml = new MLContext(1);
        Data = Load(Ml, 90);
        var options = TinyOptions(epochs: 2);
        options.Context = Ml;
        Ml.Log += (_, e) => { lock (Log) Log.Add(e.Message); };
        Transformer = Ml.Transforms.PretrainAavae(options).Fit(Data);
    }

    public MLContext Ml { get; }
    public IDataView Data { get; }
    public AavaeTransformer Transformer { get; }
    public List<string> Log { get; } = [];

    public void Dispose() => Transformer.Dispose();
}

public class TransformerTests(FittedTransformerFixture fixture) : IClassFixture<FittedTransformerFixture>
{
    private float[][] Reference(IReadOnlyList<PixelRow> rows)
    {
        // The bare TorchSharp forward on the same tensors: normalize, backbone features, in fp32 as inference is
        // whatever precision Auto trained in on this CPU.
        var model = fixture.Transformer.Model;
        model.Compute.Precision = AavaeMlNet.Model.Precision.Float32;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pixels = rows.SelectMany(r => r.Image).ToArray();
        var images = tensor(pixels, [rows.Count, 1, Side, Side]);
        var features = model.forward(fixture.Transformer.Augmentation.Normalization.Apply(images));
        var flat = features.data<float>().ToArray();
        int size = (int)features.shape[1];
        return Enumerable.Range(0, rows.Count).Select(i => flat[(i * size)..((i + 1) * size)]).ToArray();
    }

    private static void AssertClose(float[][] expected, float[][] actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= tolerance,
                    $"row {i} element {j}: {expected[i][j]} vs {actual[i][j]}");
    }

    [Fact]
    public void Embedding_column_is_a_fixed_size_vector_equal_to_the_bare_forward()
    {
        var output = fixture.Transformer.Transform(fixture.Data);
        var type = Assert.IsType<VectorDataViewType>(output.Schema["Embedding"].Type);
        // h = 8 x base width 8, then the recipe's 2x2 grid over the third (32 channels) and last (64) stages.
        Assert.Equal(64 + 4 * (32 + 64), type.Size);
        var embeddings = Column(output, "Embedding");
        AssertClose(Reference(Rows(90, 1)), embeddings);
    }

    [Fact]
    public void Skip_take_and_column_subsets_see_the_right_rows()
    {
        var all = Column(fixture.Transformer.Transform(fixture.Data), "Embedding");
        var window = fixture.Ml.Data.TakeRows(fixture.Ml.Data.SkipRows(fixture.Data, 37), 5);
        var part = fixture.Transformer.Transform(window);
        AssertClose(all[37..42], Column(part, "Embedding"), 1e-6);
        Assert.Equal(Enumerable.Range(37, 5).Select(i => (float)(i % 3)), part.GetColumn<float>("Label"));
    }

    [Fact]
    public void Concurrent_cursors_give_the_same_embeddings()
    {
        var output = fixture.Transformer.Transform(fixture.Data);
        var expected = Column(output, "Embedding");
        var results = new float[4][][];
        Parallel.For(0, 4, i => results[i] = Column(output, "Embedding"));
        foreach (var result in results) AssertClose(expected, result, 1e-6);

        // Two cursors interleaved on one thread.
        var column = output.Schema["Embedding"];
        using var a = output.GetRowCursor([column]);
        using var b = output.GetRowCursor([column]);
        var getA = a.GetGetter<VBuffer<float>>(column);
        var getB = b.GetGetter<VBuffer<float>>(column);
        VBuffer<float> va = default, vb = default;
        for (int row = 0; row < expected.Length; row++)
        {
            Assert.True(a.MoveNext());
            Assert.True(b.MoveNext());
            getA(ref va);
            getB(ref vb);
            Assert.Equal(va.DenseValues(), vb.DenseValues());
        }
    }

    [Fact]
    public void Prediction_engine_matches_the_batched_transform()
    {
        var transformer = fixture.Transformer;
        Assert.True(transformer.IsRowToRowMapper);
        var engine = fixture.Ml.Model.CreatePredictionEngine<PixelRow, EmbeddingRow>(transformer);
        var rows = Rows(90, 1);
        var expected = Column(transformer.Transform(fixture.Data), "Embedding");
        for (int i = 0; i < 5; i++) AssertClose([expected[i]], [engine.Predict(rows[i]).Embedding]);
        AssertClose([expected[0]], [engine.Predict(rows[0]).Embedding]); // no stale row cache
    }

    [Fact]
    public void Progress_and_epoch_summaries_go_to_the_mlcontext_log()
    {
        lock (fixture.Log)
        {
            Assert.Contains(fixture.Log, m => m.Contains("Pretraining Aavae"));
            Assert.Equal(2, fixture.Log.Count(m => m.Contains("Epoch summary")));
        }
    }

    [Fact]
    public void Checkpoint_of_a_fitted_transformer_continues_pretraining()
    {
        string path = Path.Combine(TempDirectory(), "encoder.ckpt");
        fixture.Transformer.SaveCheckpoint(path);
        var options = TinyOptions(epochs: 1);
        options.InitialCheckpoint = path;
        options.Epochs = 0 + 1;
        options.LearningRate = 1e-12; // one near-zero step: weights must start from the checkpoint
        using var continued = fixture.Ml.Transforms.PretrainAavae(options).Fit(fixture.Data);
        // Parameters (not BatchNorm running statistics, which training-mode passes update) start from the checkpoint.
        var expected = fixture.Transformer.Model.named_parameters()
            .ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        foreach (var (name, parameter) in continued.Model.named_parameters())
        {
            var values = parameter.data<float>().ToArray();
            for (int i = 0; i < values.Length; i++) Assert.Equal(expected[name][i], values[i], 4);
        }
    }

    public sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}
