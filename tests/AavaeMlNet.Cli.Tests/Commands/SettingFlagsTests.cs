using System.CommandLine;
using AavaeMlNet.Cli.Commands;
using AavaeMlNet.MLNet;
using AavaeMlNet.Model;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Tests.Commands;

public class SettingFlagsTests
{
    public static TheoryData<string> TrainingCommands => ["pretrain", "demo", "experiment"];

    private static Command Create(string name) => name switch
    {
        "pretrain" => PretrainCommand.Create(),
        "demo" => DemoCommand.Create(),
        "experiment" => ExperimentCommand.Create(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    // Parses the command with only the sweep argument experiment requires; the flags keep their defaults.
    private static ParseResult ParseDefaults(Command command) =>
        command.Parse(command.Name == "experiment" ? ["aavae"] : []);

    private static string? DefaultText(Command command, string flag)
    {
        var option = command.Options.Single(o => o.Name == flag);
        var parse = ParseDefaults(command);
        return option switch
        {
            Option<bool> b => parse.GetValue(b) ? "true" : "false",
            Option<string> s => parse.GetValue(s),
            _ => throw new InvalidOperationException($"{flag} is a {option.GetType()}"),
        };
    }

    [Theory]
    [MemberData(nameof(TrainingCommands))]
    public void Every_setting_is_a_flag_of_every_training_command_with_its_help(string name)
    {
        var command = Create(name);
        foreach (var setting in AavaeSettings.All)
        {
            var option = Assert.Single(command.Options, o => o.Name == setting.Flag);
            Assert.Equal(setting.Help, option.Description);
        }
    }

    [Fact]
    public void Pretrain_defaults_are_the_library_defaults()
    {
        var command = PretrainCommand.Create();
        // A process has no MLContext to draw a seed from: the library's seed there is AavaeSettings.DefaultSeed.
        var library = new AavaeEstimator.Options { Seed = AavaeSettings.DefaultSeed };
        foreach (var setting in AavaeSettings.All)
            Assert.Equal(setting.Format(setting.Get(library)), DefaultText(command, setting.Flag));
    }

    // The flags and defaults as they were before the settings had one declaration (hand-written, not derived).
    [Theory]
    [InlineData("pretrain", "--variant", "aavae")]
    [InlineData("pretrain", "--budget", null)]
    [InlineData("pretrain", "--recipe", "auto")]
    [InlineData("pretrain", "--depth", null)]
    [InlineData("pretrain", "--stem", null)]
    [InlineData("pretrain", "--width", null)]
    [InlineData("pretrain", "--latent", "128")]
    [InlineData("pretrain", "--expand-features", null)]
    [InlineData("pretrain", "--embedding-grid", null)]
    [InlineData("pretrain", "--beta", null)]
    [InlineData("pretrain", "--log-scale", "0")]
    [InlineData("pretrain", "--learn-log-scale", "false")]
    [InlineData("pretrain", "--preset", null)]
    [InlineData("pretrain", "--epochs", null)]
    [InlineData("pretrain", "--batch-size", null)]
    [InlineData("pretrain", "--lr", null)]
    [InlineData("pretrain", "--warmup-epochs", null)]
    [InlineData("pretrain", "--weight-decay", "0")]
    [InlineData("pretrain", "--seed", "42")]
    [InlineData("pretrain", "--device", "auto")]
    [InlineData("pretrain", "--threads", null)]
    [InlineData("pretrain", "--precision", "auto")]
    [InlineData("pretrain", "--decay", null)]
    [InlineData("pretrain", "--clean-bn-images", null)]
    [InlineData("pretrain", "--crop-scale", null)]
    [InlineData("pretrain", "--flip", null)]
    [InlineData("demo", "--budget", "5m")]
    [InlineData("demo", "--recipe", "auto")]
    [InlineData("demo", "--epochs", null)]
    [InlineData("demo", "--width", null)]
    [InlineData("demo", "--seed", "42")]
    [InlineData("demo", "--precision", "auto")]
    [InlineData("experiment", "--budget", null)]
    [InlineData("experiment", "--epochs", null)]
    [InlineData("experiment", "--batch-size", null)]
    [InlineData("experiment", "--latent", "128")]
    public void Flags_keep_their_names_and_defaults(string name, string flag, string? expected)
    {
        Assert.Equal(expected, DefaultText(Create(name), flag));
    }

    [Fact]
    public void Allowed_values_are_every_enum_member_and_nothing_else()
    {
        var command = PretrainCommand.Create();
        foreach (var setting in AavaeSettings.All.Where(s => s.ValueType.IsEnum))
        {
            foreach (var member in Enum.GetValues(setting.ValueType))
            {
                string text = setting.Format(member)!;
                var parse = command.Parse([setting.Flag, text]);
                Assert.Empty(parse.Errors);
                var read = new SettingFlags(new AavaeSettings());
                var bound = new Command("probe");
                read.AddTo(bound);
                Assert.Equal(member, setting.Get(read.Read(bound.Parse([setting.Flag, text]))));
            }
            Assert.NotEmpty(command.Parse([setting.Flag, "no-such-value"]).Errors);
        }
    }

    [Theory]
    [InlineData("--budget", "90s", 1.5)]
    [InlineData("--budget", "1.5h", 90)]
    [InlineData("--budget", "20", 20)]
    [InlineData("--minutes", "60", 60)] // the former flag: recorded commands still run
    public void The_budget_reads_the_one_duration_grammar_and_its_former_flag(string flag, string text, double minutes)
    {
        var flags = new SettingFlags(new AavaeSettings());
        var command = new Command("probe");
        flags.AddTo(command);
        Assert.Equal(TimeSpan.FromMinutes(minutes), flags.Read(command.Parse([flag, text])).TimeBudget);
        Assert.Equal(TimeSpan.FromMinutes(minutes), new AavaeSettings().With(flag, text).TimeBudget);
    }

    [Theory]
    [InlineData("off", null)]
    [InlineData("20", 20.0)]
    [InlineData(null, 10.0)]
    public void The_loss_spike_factor_reads_a_number_or_off_and_defaults_to_10(string? text, double? expected)
    {
        var flags = new SettingFlags(new AavaeSettings());
        var command = new Command("probe");
        flags.AddTo(command);
        string[] args = text is null ? [] : ["--loss-spike-factor", text];
        Assert.Equal(expected, flags.Read(command.Parse(args)).LossSpikeFactor);
    }

    [Fact]
    public void Given_flags_change_a_copy_of_the_commands_defaults_and_nothing_else()
    {
        var defaults = new AavaeSettings { Epochs = 3 };
        var flags = new SettingFlags(defaults);
        var command = new Command("probe");
        flags.AddTo(command);
        var settings = flags.Read(command.Parse(["--latent", "7", "--precision", "bf16", "--crop-scale", "0.3,1",
            "--learn-log-scale", "--channels-last", "false", "--budget", "2m"]));
        Assert.Equal(7, settings.LatentDim);
        Assert.Equal(Precision.BFloat16Mixed, settings.Precision);
        Assert.Equal((0.3, 1.0), settings.CropScale);
        Assert.True(settings.LearnLogScale);
        Assert.False(settings.ChannelsLast);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.TimeBudget);
        Assert.Equal(3, settings.Epochs);
        Assert.Null(settings.Stem);
        Assert.Equal(128, defaults.LatentDim);
    }
}
