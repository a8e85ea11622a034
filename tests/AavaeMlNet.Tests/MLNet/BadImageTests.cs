using AavaeMlNet.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>What ML.NET's LoadImages does with bad files, and the estimator's SkipBadImages.</summary>
public class BadImageTests
{
    // Rows: 6 good PNGs, then a truncated PNG, a text file named .jpg and a missing file.
    private static (MLContext Ml, IDataView Data, IEstimator<ITransformer> Images) Pipeline()
    {
        string directory = TempDirectory();
        var rows = ImageFiles.Write(directory, 6, seed: 1, colour: false);
        byte[] good = File.ReadAllBytes(rows[0].Path);
        File.WriteAllBytes(Path.Combine(directory, "truncated.png"), good[..(good.Length / 2)]);
        File.WriteAllText(Path.Combine(directory, "text.jpg"), "not an image");
        foreach (string name in new[] { "truncated.png", "text.jpg", "missing.png" })
            rows.Add(new ImageFiles.PathRow { Path = Path.Combine(directory, name) });
        var ml = new MLContext(1);
        var images = ml.Transforms.LoadImages("Image", null, "Path")
            .Append(ml.Transforms.ResizeImages("Image", Side, Side))
            .Append(ml.Transforms.ConvertToGrayscale("Image"));
        return (ml, ml.Data.LoadFromEnumerable(rows), images);
    }

    [Fact]
    public void LoadImages_fails_a_bad_row_only_when_it_is_read_decodes_a_truncated_png_and_moves_on()
    {
        var (ml, data, images) = Pipeline();
        var pipeline = images.Append(ml.Transforms.ExtractPixels("Pixels", "Image"));
        var output = pipeline.Fit(data).Transform(data); // Fit reads no image
        using var cursor = output.GetRowCursor(output.Schema);
        var pixels = cursor.GetGetter<VBuffer<float>>(output.Schema["Pixels"]);
        var outcomes = new List<string>();
        while (cursor.MoveNext())
        {
            var value = default(VBuffer<float>);
            try
            {
                pixels(ref value);
                outcomes.Add($"{value.Length} pixels");
            }
            catch (Exception e)
            {
                outcomes.Add($"{e.GetType().Name}: {e.Message.Split(" '/")[0]}");
            }
        }
        Assert.Equal([.. Enumerable.Repeat($"{3 * Side * Side} pixels", 7),
            "ArgumentException: Invalid input stream contents (Parameter 'imageStream')",
            "FileNotFoundException: Could not find file"], outcomes);
    }

    [Fact]
    public void Estimator_fails_naming_the_row_by_default_and_skips_unreadable_rows_when_asked()
    {
        var (ml, data, images) = Pipeline();
        var options = TinyOptions(epochs: 1);
        options.BatchSize = 4;
        options.CacheInMemory = false;
        var error =
            Assert.Throws<InvalidDataException>(() => images.Append(ml.Transforms.PretrainAavae(options)).Fit(data));
        Assert.StartsWith("Column 'Embedding.Pixels' could not be read at or after row ", error.Message);
        Assert.EndsWith(": Invalid input stream contents (Parameter 'imageStream') " +
                        "(set Options.SkipBadImages to skip such rows).", error.Message);

        var skipped = new List<string>();
        options.SkipBadImages = true;
        options.BadImageSkipped = skipped.Add;
        using var model = images.Append(ml.Transforms.PretrainAavae(options)).Fit(data);
        Assert.Equal(2, skipped.Count);
        Assert.StartsWith("Row 7 of column 'Embedding.Pixels' could not be read: Invalid input stream contents",
            skipped[0]);
        Assert.StartsWith("Row 8 of column 'Embedding.Pixels' could not be read: Could not find file", skipped[1]);
    }
}
