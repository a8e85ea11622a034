using System.Text.Json;
using AavaeMlNet.MLNet;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>
/// What the estimator tells about its run: the recipe's choices in the header and in every artifact, the plan,
/// warnings about settings that defeat the run, and the channels it reads from image files.
/// </summary>
public class RecipeRunTests
{
    [Fact]
    public void The_last_line_says_what_the_loss_spike_guard_saw()
    {
        var ml = new MLContext(seed: 1);
        string Last(int epochs, double? factor)
        {
            var lines = new List<string>();
            var options = SyntheticImages.TinyOptions(epochs);
            options.LossSpikeFactor = factor;
            options.Log = lines.Add;
            using var model = ml.Transforms.PretrainAavae(options).Fit(SyntheticImages.Load(ml, 64));
            return lines.Single(l => l.StartsWith("Pretrained in ", StringComparison.Ordinal));
        }

        // 64 images in batches of 32: 110 steps, so the guard judges the last 10.
        Assert.Matches(@": 110 steps, all epochs; no loss spike \(the largest step loss was \d+\.\d\dx its running " +
                       @"mean\)\.$", Last(55, 10));
        Assert.EndsWith(": 2 steps, all epochs; no loss-spike guard.", Last(1, null));
    }

    [Fact]
    public void The_header_lists_every_choice_and_the_recipe_travels_with_the_checkpoint_and_the_onnx_model()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        var options = SyntheticImages.TinyOptions(epochs: 1);
        options.LearningRate = null; // the recipe's, scaled to the batch of 32
        options.Log = lines.Add;
        using var model = ml.Transforms.PretrainAavae(options).Fit(SyntheticImages.Load(ml, 64));

        Assert.Contains("Recipe: cpu (settings you leave unset; yours win)", lines);
        Assert.Contains("  BatchSize 32 (yours)", lines);
        Assert.Contains("  LearningRate 0.0005 (recipe: 1e-3 per 64 images", string.Join('\n', lines));
        Assert.Contains(lines, l => l == "Plan: 2 steps (1 x 2-step epochs), warmup 1 steps.");
        Assert.Contains(lines, l => l.StartsWith("Pretrained in ")
            && l.EndsWith(": 2 steps, all epochs; no loss judged for spikes (the guard arms after 100 steps)."));
        Assert.Equal(5e-4, model.Training.LearningRate, 12);

        string checkpoint = Path.Combine(SyntheticImages.TempDirectory(), "encoder.ckpt");
        model.SaveCheckpoint(checkpoint);
        Assert.Equal(model.Training.Recipe, Checkpoint.ReadHeader(checkpoint).Training.Recipe);

        using var onnx = new MemoryStream();
        model.ExportOnnx(onnx);
        using var session = new InferenceSession(onnx.ToArray());
        string json = session.ModelMetadata.CustomMetadataMap[AavaeTransformer.RecipeMetadataKey];
        var stored = JsonSerializer.Deserialize<List<RecipeChoice>>(json)!;
        Assert.Equal(model.Training.Recipe, stored);
        Assert.Contains(stored, c => c is { Setting: "LearningRate", Value: "0.0005", ByUser: false });

        // model.zip holds the same ONNX model, metadata included, inside ML.NET's OnnxTransformer.
        string zip = Path.Combine(SyntheticImages.TempDirectory(), "model.zip");
        var data = SyntheticImages.Load(ml, 4);
        ml.Model.Save(model, data.Schema, zip);
        using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
        byte[] key = System.Text.Encoding.UTF8.GetBytes(AavaeTransformer.RecipeMetadataKey);
        byte[] value = System.Text.Encoding.UTF8.GetBytes(json);
        Assert.Contains(archive.Entries, entry =>
        {
            using var stream = new MemoryStream();
            using (var opened = entry.Open()) opened.CopyTo(stream);
            var bytes = stream.ToArray().AsSpan();
            return bytes.IndexOf(key) >= 0 && bytes.IndexOf(value) >= 0;
        });
    }

    [Fact]
    public void A_batch_larger_than_the_data_and_an_all_warmup_run_are_warned_about_in_the_log_and_ml_net()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Warning", StringComparison.Ordinal)) messages.Add(e.Message); };
        var lines = new List<string>();
        var options = SyntheticImages.TinyOptions(epochs: 2);
        options.BatchSize = 64;
        options.WarmupEpochs = 10;
        options.Log = lines.Add;
        options.Context = ml;
        using var model = ml.Transforms.PretrainAavae(options).Fit(SyntheticImages.Load(ml, 40));
        var warnings = lines.Where(l => l.StartsWith("Warning: ")).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("Warning: BatchSize 64 is larger than the 40 images", warnings[0]);
        Assert.StartsWith("Warning: WarmupEpochs 10 is 10 steps and the run plans 2: the learning rate never reaches",
            warnings[1]);
        Assert.Contains(messages, m => m.Contains("BatchSize 64 is larger than the 40 images"));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    public void Grayscale_files_train_as_one_channel_and_colour_files_as_three(bool colour, int channels)
    {
        var ml = new MLContext(seed: 1);
        var rows = ImageFiles.Write(SyntheticImages.TempDirectory(), 24, seed: 3, colour);
        var files = ml.Data.LoadFromEnumerable(rows);
        var data = ml.Transforms.LoadImages("Image", null, "Path")
            .Append(ml.Transforms.ResizeImages("Image", 20, 20)).Fit(files).Transform(files);
        var lines = new List<string>();
        var options = SyntheticImages.TinyOptions(epochs: 1);
        options.BatchSize = 8;
        options.Log = lines.Add;
        using var model = ml.Transforms.PretrainAavae(options).Fit(data);
        Assert.Equal(channels, model.Config.Channels);
        Assert.Contains(lines, l => l.StartsWith($"Channels {channels}"));
        // Set by the user, the channels are not looked at.
        options.Channels = 3;
        lines.Clear();
        using var rgb = ml.Transforms.PretrainAavae(options).Fit(data);
        Assert.Equal(3, rgb.Config.Channels);
        Assert.DoesNotContain(lines, l => l.StartsWith("Channels"));
    }
}
