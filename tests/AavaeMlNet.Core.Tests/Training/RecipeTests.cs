using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.Core.Tests.Training;

/// <summary>The recipes fill what the user leaves unset, and the user's settings win.</summary>
public class RecipeTests
{
    private static ResolvedSettings Resolve(AavaeSettings settings, long images = 20_000) =>
        settings.Resolve(1, 28, 28, images);

    private static RecipeChoice Choice(ResolvedSettings run, string setting) =>
        Assert.Single(run.Choices, c => c.Setting == setting);

    [Fact]
    public void The_cpu_recipe_is_the_measured_one_with_a_ten_minute_budget()
    {
        var run = Resolve(new AavaeSettings { Device = DeviceKind.Cpu });
        Assert.Equal(Recipe.Cpu, run.Recipe);
        Assert.Equal((Depth.ResNet18, 0.25, 1024, 128), (run.Config.Depth, run.Config.WidthMultiplier,
            run.Config.FeatureDim, run.Config.LatentDim)); // h = 1024 from 10 minutes on
        // h, then the third (64 channels) and last (128) stages over 2x2 regions.
        Assert.Equal((2, 1024 + 4 * 64 + 4 * 128), (run.Config.EmbeddingGrid, run.Config.EmbeddingDim));
        var t = run.Training;
        Assert.Equal((64, 1e-3, LearningRateDecay.Constant, 5000), (t.BatchSize, t.LearningRate, t.Decay,
            t.CleanBatchNormImages));
        Assert.Null(t.WarmupEpochs); // a share of the planned run
        Assert.Null(t.Epochs);
        Assert.Equal(TimeSpan.FromMinutes(10), t.TimeBudget);
        Assert.All(run.Choices, c => Assert.False(c.ByUser));
        Assert.Contains("no budget or epochs given", Choice(run, "TimeBudget").Why);
        Assert.Same(run.Choices, t.Recipe);
    }

    [Theory]
    [InlineData(5, 512)]
    [InlineData(9.9, 512)]
    [InlineData(10, 1024)]
    [InlineData(60, 1024)]
    public void The_cpu_recipe_widens_the_features_for_long_budgets(double minutes, int features)
    {
        var run = Resolve(new AavaeSettings { Device = DeviceKind.Cpu, TimeBudget = TimeSpan.FromMinutes(minutes) });
        Assert.Equal(features, run.Config.FeatureDim);
        Assert.Equal(1024, Resolve(new AavaeSettings { Device = DeviceKind.Cpu, Epochs = 3 }).Config.FeatureDim);
    }

    [Fact]
    public void Every_setting_the_user_gives_wins_and_is_marked_as_theirs()
    {
        var run = Resolve(new AavaeSettings
        {
            Device = DeviceKind.Cpu, Depth = Depth.ResNet34, WidthMultiplier = 0.5, ExpandFeatures = 0, BatchSize = 32,
            EmbeddingGrid = 0,
            LearningRate = 3e-4, WarmupEpochs = 2, Decay = LearningRateDecay.Cosine, CleanBatchNormImages = 0,
            Epochs = 3,
        });
        Assert.Equal((Depth.ResNet34, 0.5, (int?)null), (run.Config.Depth, run.Config.WidthMultiplier,
            run.Config.ExpandFeatures)); // 0: no expansion layer
        Assert.Equal((0, run.Config.FeatureDim), (run.Config.EmbeddingGrid, run.Config.EmbeddingDim));
        var t = run.Training;
        Assert.Equal((32, 3e-4, 2.0, LearningRateDecay.Cosine, 0, 3), (t.BatchSize, t.LearningRate,
            t.WarmupEpochs!.Value, t.Decay, t.CleanBatchNormImages, t.Epochs!.Value));
        Assert.Null(t.TimeBudget); // epochs given, no budget: a fixed amount of work
        Assert.DoesNotContain(run.Choices, c => c.Setting == "TimeBudget");
        foreach (var name in new[] { "Depth", "WidthMultiplier", "ExpandFeatures", "BatchSize", "LearningRate",
                     "WarmupEpochs", "Decay", "CleanBatchNormImages", "Epochs" })
            Assert.True(Choice(run, name).ByUser, name);
        Assert.Equal("BatchSize 32 (yours)", Choice(run, "BatchSize").ToString());
    }

    [Fact]
    public void An_unset_rate_follows_the_users_batch_linearly()
    {
        var run = Resolve(new AavaeSettings { Device = DeviceKind.Cpu, BatchSize = 128 });
        Assert.Equal(2e-3, run.Training.LearningRate, 12);
        Assert.False(Choice(run, "LearningRate").ByUser);
    }

    [Theory]
    [InlineData(20_000, 64)]
    [InlineData(256, 64)]
    [InlineData(255, 63)]
    [InlineData(100, 25)]
    [InlineData(5, 2)]
    public void Small_data_gets_a_quarter_of_its_images_per_batch(long images, int batch)
    {
        var run = Resolve(new AavaeSettings { Device = DeviceKind.Cpu }, images);
        Assert.Equal(batch, run.Training.BatchSize);
        Assert.Equal(Math.Min(5000, images), run.Training.CleanBatchNormImages);
    }

    [Fact]
    public void The_paper_recipe_is_its_gpu_setup()
    {
        var run = new AavaeSettings { Device = DeviceKind.Cpu, Recipe = Recipe.Paper }.Resolve(3, 32, 32, 45_000);
        Assert.Equal(Recipe.Paper, run.Recipe);
        Assert.Equal((Depth.ResNet50, 1.0, 2048, 0, 2048), (run.Config.Depth, run.Config.WidthMultiplier,
            run.Config.FeatureDim, run.Config.EmbeddingGrid, run.Config.EmbeddingDim)); // the pooled h alone
        var t = run.Training;
        Assert.Equal((256, 2.5e-4, 10.0, 800, 0), (t.BatchSize, t.LearningRate, t.WarmupEpochs!.Value,
            t.Epochs!.Value, t.CleanBatchNormImages));
        Assert.Null(t.TimeBudget);
        var stl = new AavaeSettings { Device = DeviceKind.Cpu, Recipe = Recipe.Paper }.Resolve(3, 96, 96, 100_000);
        Assert.Equal((512, 5e-4), (stl.Training.BatchSize, stl.Training.LearningRate));
    }

    [Fact]
    public void The_header_names_the_recipe_and_every_choice()
    {
        var lines = Resolve(new AavaeSettings { Device = DeviceKind.Cpu, TimeBudget = TimeSpan.FromMinutes(5) })
            .Header().ToList();
        Assert.StartsWith("Recipe: cpu", lines[0]);
        Assert.Contains("  TimeBudget 5m (yours)", lines);
        Assert.Contains(lines, l => l.StartsWith("  WidthMultiplier 0.25 (recipe: a quarter-width ResNet"));
        Assert.Contains(lines, l => l.StartsWith("  WarmupEpochs 5 % of the run (recipe: 5 % of the planned steps"));
    }

    [Fact]
    public void Out_of_range_settings_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => Resolve(new AavaeSettings { Device = DeviceKind.Cpu, BatchSize = 1 }));
        Assert.Equal("BatchSize", error.ParamName);
        error = Assert.Throws<ArgumentOutOfRangeException>(
            () => Resolve(new AavaeSettings { Device = DeviceKind.Cpu, TimeBudget = TimeSpan.Zero }));
        Assert.Equal("TimeBudget", error.ParamName);
    }
}
