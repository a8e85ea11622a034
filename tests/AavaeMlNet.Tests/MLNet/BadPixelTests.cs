using Microsoft.ML;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>
/// Transform holds pixels to what Fit holds them to: NaN, infinite and out-of-range values are errors that name the
/// row, the column, the element and what was expected, batched, row by row (PredictionEngine) and after a reload.
/// </summary>
public class BadPixelTests(FittedTransformerFixture fixture) : IClassFixture<FittedTransformerFixture>
{
    private const string Finite = "pixel values must be finite numbers in [0, 1].";
    private const string InRange = "pixel values must lie in [0, 1] (scale 8-bit pixels by 1/255).";

    private static List<PixelRow> WithBadPixel(int row, int element, float value)
    {
        var rows = Rows(20, seed: 5);
        rows[row].Image[element] = value;
        return rows;
    }

    [Theory]
    [InlineData(float.NaN, "NaN", Finite)]
    [InlineData(float.PositiveInfinity, "Infinity", Finite)]
    [InlineData(255f, "255", InRange)]
    [InlineData(-0.5f, "-0.5", InRange)]
    public void Batched_transform_names_row_column_element_and_what_was_expected(
        float value, string shown, string expected)
    {
        var ml = fixture.Ml;
        // Row 13 lies in the second inference batch (16 rows each): rows before it are embedded.
        var view = fixture.Transformer.Transform(ml.Data.LoadFromEnumerable(WithBadPixel(13, 17, value)));

        var error = Assert.Throws<InvalidDataException>(() => Column(view, "Embedding"));

        Assert.Equal($"Row 13 of column 'Image' holds {shown} at element 17: {expected}", error.Message);
    }

    [Fact]
    public void Prediction_engine_rejects_a_bad_row_and_then_embeds_good_ones()
    {
        var engine = fixture.Ml.Model.CreatePredictionEngine<PixelRow, EmbeddingRow>(fixture.Transformer);
        var rows = WithBadPixel(0, 3, float.NaN);

        var error = Assert.Throws<InvalidDataException>(() => engine.Predict(rows[0]));

        Assert.EndsWith($"of column 'Image' holds NaN at element 3: {Finite}", error.Message);
        Assert.StartsWith("Row ", error.Message);
        Assert.All(engine.Predict(rows[1]).Embedding, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Values_within_the_rounding_tolerance_of_fit_are_accepted()
    {
        var rows = WithBadPixel(2, 0, 1.00005f);
        rows[3].Image[0] = -0.00005f;

        var embeddings = Column(fixture.Transformer.Transform(fixture.Ml.Data.LoadFromEnumerable(rows)), "Embedding");

        Assert.Equal(rows.Count, embeddings.Length);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(2f)]
    public void Reloaded_model_zip_refuses_bad_pixels_in_its_onnx_check_and_scores_good_ones_as_before(float value)
    {
        var ml = fixture.Ml;
        string path = Path.Combine(TempDirectory(), "model.zip");
        ml.Model.Save(fixture.Transformer, fixture.Data.Schema, path);
        var loaded = new MLContext(3).Model.Load(path, out _);
        var good = Rows(20, seed: 5);
        var bad = WithBadPixel(13, 17, value);

        var badView = loaded.Transform(ml.Data.LoadFromEnumerable(bad));
        var error = Assert.ThrowsAny<Exception>(() => Column(badView, "Embedding"));

        Assert.Contains("input_check.pixels_must_be_finite_and_in_0_1", error.ToString());
        var engine = new MLContext(3).Model.CreatePredictionEngine<PixelRow, EmbeddingRow>(loaded);
        var rowError = Assert.Throws<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(() => engine.Predict(bad[13]));
        Assert.Contains("Name:'input_check.pixels_must_be_finite_and_in_0_1/Reshape'", rowError.Message);
        Assert.Contains("cannot be reshaped", rowError.Message);
        var expected = Column(fixture.Transformer.Transform(ml.Data.LoadFromEnumerable(good)), "Embedding");
        var reloaded = Column(loaded.Transform(ml.Data.LoadFromEnumerable(good)), "Embedding");
        double worst = expected.Zip(reloaded, (e, r) => e.Zip(r, (a, b) => Math.Abs(a - b)).Max()).Max();
        Assert.True(worst <= 1e-4, $"max abs difference {worst}");
        var onEdge = WithBadPixel(2, 0, 1.00005f);
        Assert.Equal(onEdge.Count, Column(loaded.Transform(ml.Data.LoadFromEnumerable(onEdge)), "Embedding").Length);
    }

    public sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}
