using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Tests.Commands;

public class SettingGridTests
{
    [Fact]
    public void One_set_is_one_run_per_value_in_the_order_given()
    {
        var points = SettingGrid.Parse(["lr=0.002,0.0005"]);

        Assert.Equal(["lr=0.002", "lr=0.0005"], points.Select(p => p.Label));
        Assert.Equal([0.002, 0.0005], points.Select(p => Applied(p).LearningRate));
    }

    [Fact]
    public void Several_sets_are_a_grid_with_the_first_name_varying_slowest()
    {
        var points = SettingGrid.Parse(["batch-size=32,64", "--decay=constant,cosine"]);

        Assert.Equal(["batch-size=32, decay=constant", "batch-size=32, decay=cosine",
                      "batch-size=64, decay=constant", "batch-size=64, decay=cosine"], points.Select(p => p.Label));
        var last = Applied(points[3]);
        Assert.Equal((64, LearningRateDecay.Cosine), (last.BatchSize, last.Decay));
    }

    [Fact]
    public void Range_settings_take_their_values_in_pairs()
    {
        var points = SettingGrid.Parse(["crop-scale=0.2,1,0.35,1"]);

        Assert.Equal(["crop-scale=0.2,1", "crop-scale=0.35,1"], points.Select(p => p.Label));
        Assert.Equal((0.35, 1.0), Applied(points[1]).CropScale);
    }

    [Fact]
    public void No_set_is_one_point_that_changes_nothing()
    {
        var point = Assert.Single(SettingGrid.Parse([]));

        Assert.Equal("", point.Label);
        Assert.Equal(new AavaeSettings().LearningRate, Applied(point).LearningRate);
    }

    [Theory]
    [InlineData("lr", "--set 'lr' must be NAME=VALUE[,VALUE...], for example lr=0.001,0.002.")]
    [InlineData("lr=", "--set 'lr=' must be NAME=VALUE[,VALUE...], for example lr=0.001,0.002.")]
    [InlineData("lr=0.1,,0.2", "--set lr='0.1,,0.2' must list comma-separated values.")]
    [InlineData("lr=0.1,0.1", "--set lr='0.1,0.1' lists a value twice.")]
    [InlineData("crop-scale=0.2,1,0.5",
        "--set crop-scale='0.2,1,0.5' must list MIN,MAX pairs, for example 0.2,1,0.35,1.")]
    [InlineData("lr=fast", "--lr 'fast' must be a number.")]
    [InlineData("decay=sometimes", "--decay 'sometimes' must be one of constant, cosine, linear, cooldown.")]
    public void Bad_sets_are_refused_with_what_was_expected(string set, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => SettingGrid.Parse([set]));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Unknown_and_repeated_names_are_refused()
    {
        var unknown = Assert.Throws<ArgumentException>(() => SettingGrid.Parse(["crop-min=0.2"]));
        var twice = Assert.Throws<ArgumentException>(() => SettingGrid.Parse(["lr=0.1", "lr=0.2"]));

        Assert.StartsWith("Unknown setting 'crop-min': expected one of budget, recipe, variant, depth,",
            unknown.Message);
        Assert.Equal("--set names 'lr' twice: list all its values in one --set.", twice.Message);
    }

    [Fact]
    public void A_sweep_runs_at_every_point_with_the_point_applied_after_the_sweeps_own_change()
    {
        var baseline = new AavaeSettings();
        var runs = ExperimentSweeps.Get("variants", baseline, ["variant=ae,vae", "lr=0.002"]);

        Assert.Equal(8, runs.Count);
        Assert.Equal("AE, variant=vae, lr=0.002", runs[1].Name);
        var settings = baseline.Copy();
        runs[1].Configure(settings);
        Assert.Equal((Model.Variant.Vae, 0.002), (settings.Variant, settings.LearningRate));
    }

    [Fact]
    public void The_command_refuses_a_bad_set_before_it_loads_any_data()
    {
        string directory = TinyData.NewDirectory("experiment-set");
        var result = CliProcess.Run(directory, "experiment", "aavae", "--set", "lr=fast", "--data-dir", "missing");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--lr 'fast' must be a number.", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(directory, "missing")));
    }

    private static AavaeSettings Applied(SettingGridPoint point)
    {
        var settings = new AavaeSettings();
        point.Apply(settings);
        return settings;
    }
}
