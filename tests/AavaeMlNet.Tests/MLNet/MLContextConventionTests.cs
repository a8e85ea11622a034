using System.Reflection;
using AavaeMlNet.MLNet;
using AavaeMlNet.Training;
using Microsoft.ML;
using static AavaeMlNet.Tests.MLNet.SyntheticImages;

namespace AavaeMlNet.Tests.MLNet;

/// <summary>
/// ML.NET's conventions: the seed comes from the MLContext unless the options set one, options are properties
/// without TorchSharp types, and a checkpoint becomes a transformer through the catalog.
/// </summary>
public class MLContextConventionTests
{
    private static AavaeEstimator.Options Vectors(int epochs = 1)
    {
        var options = TinyOptions(epochs);
        options.InputColumnName = nameof(PixelRow.Image);
        return options;
    }

    private static float[][] Fit(MLContext data, AavaeEstimator.Options options, List<string>? log = null)
    {
        options.Log = line => log?.Add(line);
        var view = Load(data, 64);
        using var transformer = data.Transforms.PretrainAavae(options).Fit(view);
        return Column(transformer.Transform(view), "Embedding");
    }

    [Fact]
    public void A_run_without_a_seed_draws_it_from_the_context_and_an_explicit_seed_wins()
    {
        var log = new List<string>();
        var first = Fit(new MLContext(1), Vectors(), log);
        var repeated = Fit(new MLContext(1), ContextOptions(5));
        var sameContext = Fit(new MLContext(1), ContextOptions(5), log);
        var otherContext = Fit(new MLContext(1), ContextOptions(6));
        Assert.Equal(repeated, sameContext);
        Assert.NotEqual(repeated, otherContext);
        Assert.NotEqual(first, repeated); // the default seed (42) is not what context 5 draws
        Assert.Contains(log, l => l == $"Seed {AavaeSettings.DefaultSeed} (the default: Options.Seed is not set).");
        Assert.Contains(log, l => l.StartsWith("Seed ", StringComparison.Ordinal) &&
                                  l.EndsWith("(drawn from the MLContext of Options.Context, as ML.NET's trainers " +
                                             "draw theirs).", StringComparison.Ordinal));

        var explicitFive = ContextOptions(5);
        explicitFive.Seed = AavaeSettings.DefaultSeed;
        var explicitSix = ContextOptions(6);
        explicitSix.Seed = AavaeSettings.DefaultSeed;
        Assert.Equal(first, Fit(new MLContext(1), explicitFive));
        Assert.Equal(first, Fit(new MLContext(1), explicitSix));
    }

    private static AavaeEstimator.Options ContextOptions(int contextSeed)
    {
        var options = Vectors();
        options.Context = new MLContext(contextSeed);
        return options;
    }

    [Fact]
    public void The_epoch_callback_sees_the_features_the_fitted_transformer_emits_and_does_not_change_the_run()
    {
        var ml = new MLContext(1);
        var rows = Rows(8, seed: 3);
        float[] pixels = [.. rows.SelectMany(r => r.Image)];
        float[]? lastEpoch = null;
        var watched = Vectors(epochs: 2);
        watched.EpochCompleted = trained =>
        {
            Assert.Equal((1, Side, Side), trained.ImageShape);
            lastEpoch = trained.Features(pixels, rows.Count, batchSize: 3);
        };
        var view = Load(ml, 64);
        using var transformer = ml.Transforms.PretrainAavae(watched).Fit(view);
        var emitted = Column(transformer.Transform(ml.Data.LoadFromEnumerable(rows)), "Embedding");
        Assert.NotNull(lastEpoch);
        Assert.Equal(rows.Count * transformer.EmbeddingSize, lastEpoch.Length);
        // The callback runs the TorchSharp encoder, the transformer its ONNX export: equal within float rounding.
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < transformer.EmbeddingSize; j++)
                Assert.InRange(emitted[i][j] - lastEpoch[i * transformer.EmbeddingSize + j], -1e-4f, 1e-4f);

        using var unwatched = ml.Transforms.PretrainAavae(Vectors(epochs: 2)).Fit(view);
        Assert.Equal(emitted, Column(unwatched.Transform(ml.Data.LoadFromEnumerable(rows)), "Embedding"));

        watched.EpochCompleted = trained => trained.Features(new float[10], 1);
        var error = Assert.Throws<ArgumentException>(() => ml.Transforms.PretrainAavae(watched).Fit(view));
        Assert.Equal($"Expected 1 images of {Side * Side} values, got 10 values. (Parameter 'pixels')", error.Message);
    }

    [Fact]
    public void A_checkpoint_loads_through_the_catalog_as_the_transformer_that_wrote_it()
    {
        var ml = new MLContext(1);
        var view = Load(ml, 64);
        using var fitted = ml.Transforms.PretrainAavae(Vectors()).Fit(view);
        string path = Path.Combine(TempDirectory(), "encoder.ckpt");
        fitted.SaveCheckpoint(path);

        var columns = new AavaeLoadOptions
        {
            InputColumnName = nameof(PixelRow.Image), InputKind = ImageColumnKind.Vector, OutputColumnName = "Features",
        };
        using var loaded = ml.Transforms.LoadAavaeCheckpoint(path, columns);
        Assert.Equal(fitted.Input, loaded.Input);
        Assert.Equal(Column(fitted.Transform(view), "Embedding"), Column(loaded.Transform(view), "Features"));

        string missing = Path.Combine(TempDirectory(), "none.ckpt");
        var error = Assert.Throws<FileNotFoundException>(() => ml.Transforms.LoadAavaeCheckpoint(missing));
        Assert.Equal($"Checkpoint '{missing}' does not exist.", error.Message);
    }

    [Fact]
    public void Cross_validation_pretrains_once_per_fold_and_a_cache_checkpoint_feeds_the_probe()
    {
        var ml = new MLContext(1);
        var log = new List<string>();
        var options = Vectors();
        options.Log = log.Add;
        var pipeline = ml.Transforms.PretrainAavae(options)
            .AppendCacheCheckpoint(ml)
            .Append(ml.Transforms.Conversion.MapValueToKey(nameof(PixelRow.Label)))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(nameof(PixelRow.Label), "Embedding"));
        var folds = ml.MulticlassClassification.CrossValidate(Load(ml, 96), pipeline, numberOfFolds: 2,
            labelColumnName: nameof(PixelRow.Label));
        Assert.Equal(2, folds.Count);
        Assert.Equal(2, log.Count(l => l.StartsWith("Pretrained in ", StringComparison.Ordinal)));
        Assert.All(folds, f => Assert.InRange(f.Metrics.MacroAccuracy, 0, 1));
    }

    [Fact]
    public void Options_are_properties_and_their_types_are_free_of_TorchSharp()
    {
        var torchSharp = typeof(TorchSharp.torch).Assembly;
        foreach (var type in new[] { typeof(AavaeEstimator.Options), typeof(AavaeLoadOptions),
                     typeof(PyTorchImportOptions), typeof(TrainedEpoch) })
        {
            Assert.Empty(type.GetFields(BindingFlags.Public | BindingFlags.Instance));
            var members = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (p.Name, p.PropertyType))
                .Concat(type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .SelectMany(m => m.GetParameters().Select(p => (m.Name, p.ParameterType))
                        .Append((m.Name, m.ReturnType))));
            foreach (var (name, memberType) in members)
                Assert.False(Mentions(memberType, torchSharp) || Mentions(memberType, typeof(Model.AavaeModel)),
                    $"{type.Name}.{name} has type {memberType}");
        }
    }

    private static bool Mentions(Type type, Assembly assembly) =>
        type.Assembly == assembly || type.GetGenericArguments().Any(t => Mentions(t, assembly));

    private static bool Mentions(Type type, Type forbidden) =>
        forbidden.IsAssignableFrom(type) || type.GetGenericArguments().Any(t => Mentions(t, forbidden));
}
