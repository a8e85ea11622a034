using AavaeMlNet.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;

namespace AavaeMlNet.Tests.MLNet;

public class SchemaErrorTests
{
    private sealed class TextRow { public string Image { get; set; } = ""; }
    private sealed class OddVectorRow { [VectorType(10)] public float[] Image { get; set; } = new float[10]; }
    private sealed class VariableVectorRow { public float[] Image { get; set; } = [0f]; }

    private static void AssertAllThree(MLContext ml, IDataView data, AavaeEstimator.Options options, string message)
    {
        var estimator = ml.Transforms.PretrainAavae(options);
        var shapeError = Assert.Throws<ArgumentOutOfRangeException>(
            () => estimator.GetOutputSchema(SchemaShapes.Of(data)));
        var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains(message, shapeError.Message);
        Assert.Contains(message, fitError.Message);
    }

    [Fact]
    public void Missing_column_is_reported_like_mlnet()
    {
        var ml = new MLContext(1);
        var data = Load(ml, 6);
        var options = TinyOptions();
        options.InputColumnName = "Pixels";
        AssertAllThree(ml, data, options, "Could not find input column 'Pixels'");
    }

    [Fact]
    public void Text_column_is_a_schema_mismatch_naming_the_expected_types()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow() });
        AssertAllThree(ml, data, TinyOptions(),
            "Schema mismatch for input column 'Image': " +
            "expected image of known size or Vector<Single> of known size, got String");
    }

    [Fact]
    public void Vector_of_unknown_size_is_rejected()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new VariableVectorRow() });
        AssertAllThree(ml, data, TinyOptions(), "Vector<Single> of unknown size");
    }

    [Fact]
    public void Image_of_unknown_size_asks_for_resize()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Path = "none.png" } });
        var loaded = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path")
            .Fit(data)
            .Transform(data);
        AssertAllThree(ml, loaded, TinyOptions(), "image of unknown size (add ResizeImages)");
    }

    [Fact]
    public void Vector_size_that_is_no_square_image_asks_for_a_shape()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new OddVectorRow() });
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => ml.Transforms.PretrainAavae(TinyOptions()).Fit(data));
        Assert.Contains("cannot infer an image shape from a vector of size 10", error.Message);
    }

    [Fact]
    public void Declared_shape_that_does_not_match_the_vector_is_rejected()
    {
        var ml = new MLContext(1);
        var options = TinyOptions();
        options.ImageHeight = 8;
        options.ImageWidth = 8;
        options.Channels = 3;
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => ml.Transforms.PretrainAavae(options).Fit(Load(ml, 6)));
        Assert.Contains("the declared image shape 3x8x8 does not match the vector size 256", error.Message);
    }

    [Fact]
    public void Fitted_transformer_rejects_a_schema_without_its_column()
    {
        var ml = new MLContext(1);
        using var transformer = ml.Transforms.PretrainAavae(TinyOptions(epochs: 1)).Fit(Load(ml, 8));
        var other = ml.Data.LoadFromEnumerable(new[] { new TextRow() });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(other.Schema));
        Assert.Contains("Schema mismatch for input column 'Image'", error.Message);
        var missing = ml.Data.LoadFromEnumerable(new[] { new { Other = 1f } });
        Assert.Contains("Could not find input column 'Image'",
            Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(missing)).Message);
    }

    [Fact]
    public void Nan_pixels_and_empty_data_get_clear_errors()
    {
        var ml = new MLContext(1);
        var rows = Rows(6, 1);
        rows[3].Image[17] = float.NaN;
        var error = Assert.Throws<InvalidDataException>(
            () => ml.Transforms.PretrainAavae(TinyOptions()).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Row 3 of column 'Image' holds NaN at element 17", error.Message);

        var empty = ml.Data.LoadFromEnumerable(new List<PixelRow>());
        var emptyError = Assert.Throws<ArgumentException>(() => ml.Transforms.PretrainAavae(TinyOptions()).Fit(empty));
        Assert.Contains("has no rows", emptyError.Message);

        var scaled = Rows(6, 1);
        scaled[0].Image[0] = 255;
        var scaleError = Assert.Throws<InvalidDataException>(
            () => ml.Transforms.PretrainAavae(TinyOptions()).Fit(ml.Data.LoadFromEnumerable(scaled)));
        Assert.Contains("must lie in [0, 1]", scaleError.Message);
    }

    [Fact]
    public void Output_schema_adds_a_vector_column()
    {
        var ml = new MLContext(1);
        var data = Load(ml, 6);
        var shape = ml.Transforms.PretrainAavae(TinyOptions()).GetOutputSchema(SchemaShapes.Of(data));
        var column = shape.Single(c => c.Name == "Embedding");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, column.Kind);
        Assert.Equal(NumberDataViewType.Single, column.ItemType);
    }
}
