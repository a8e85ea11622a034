using System.CommandLine;
using AavaeMlNet.Cli.Commands;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>
/// One meaning per flag: a name (or alias) that several commands take has the same value type and the same default
/// in each. Settings flags are the exception the help states: `demo` and `experiment` give some settings their own
/// defaults (a 5-minute budget), so for them only the type is compared.
/// </summary>
public class OptionMeaningTests
{
    private static IEnumerable<Command> AllCommands(Command command) =>
        command.Subcommands.SelectMany(AllCommands).Prepend(command);

    private static IEnumerable<(string Command, string Name, Option Option)> Flags() =>
        AavaeRootCommand.Create().Subcommands.SelectMany(AllCommands)
            .SelectMany(c => c.Options.SelectMany(o => o.Aliases.Prepend(o.Name).Select(n => (c.Name, n, o))));

    private static string Default(Option option) =>
        option.HasDefaultValue ? Convert.ToString(option.GetDefaultValue(), System.Globalization.CultureInfo
            .InvariantCulture) ?? "null" : "(none)";

    // Flags whose default is the command's own by design, each with the reason the help gives.
    private static readonly Dictionary<string, string> OwnDefaults = new()
    {
        ["--output"] = "each command writes its own kind of file or folder",
        ["-o"] = "the alias of --output",
        ["--data-dir"] = "the Fashion-MNIST jobs download into a folder of their own; elsewhere it is where a "
                         + "manifest's data lives",
        ["--pretrain-images"] = "the demo pretrains on 20,000 images to fit its time, experiments on all 55,000",
        ["--probe-train-images"] = "as --pretrain-images",
        ["--label-budgets"] = "each report's own table",
        ["--baseline"] = "the Fashion-MNIST jobs compare with raw pixels by default; evaluate with what it is asked",
        ["--on-bad-image"] = "training fails on a bad image, a batch embedding job skips it and lists it",
    };

    // The type a flag's values have: one element of a repeatable flag; a setting's type for its text.
    private static Type ValueType(Option option)
    {
        var type = option.ValueType.IsArray ? option.ValueType.GetElementType()! : option.ValueType;
        var setting = AavaeSettings.All.FirstOrDefault(s => s.Flag == option.Name);
        return setting is not null && type == typeof(string) ? setting.ValueType
            : Nullable.GetUnderlyingType(type) ?? type;
    }

    [Fact]
    public void A_flag_shared_by_commands_has_one_type_and_one_default()
    {
        var settings = AavaeSettings.All.SelectMany(s => new[] { s.Flag, s.FormerFlag }).ToHashSet();
        var conflicts = Flags().GroupBy(f => f.Name)
            .Where(g => g.Select(f => ValueType(f.Option)).Distinct().Count() > 1
                        || (!settings.Contains(g.Key) && !OwnDefaults.ContainsKey(g.Key)
                            && g.Select(f => Default(f.Option)).Distinct().Count() > 1))
            .Select(g => $"{g.Key}: " + string.Join("; ",
                g.Select(f => $"{f.Command} {ValueType(f.Option).Name} default {Default(f.Option)}")))
            .ToList();
        Assert.True(conflicts.Count == 0, string.Join("\n", conflicts));
    }

    [Fact]
    public void A_setting_given_by_a_command_of_its_own_has_the_library_default()
    {
        // A process has no MLContext to draw a seed from: the library's seed there is AavaeSettings.DefaultSeed.
        var defaults = AavaeSettings.Defaults;
        defaults.Seed = defaults.SeedOrDefault();
        foreach (var setting in AavaeSettings.All)
        foreach (var flag in Flags().Where(f => f.Name == setting.Flag && f.Option.ValueType != typeof(string)))
            Assert.Equal(setting.Format(setting.Get(defaults)), setting.Format(flag.Option.GetDefaultValue()));
    }

    [Fact]
    public void The_walk_sees_every_command_and_the_flags_that_used_to_mean_two_things()
    {
        var flags = Flags().ToList();
        Assert.Equal(["demo", "pretrain", "embed", "evaluate", "inspect", "data", "experiment", "import-pytorch",
            "export-pytorch"], AavaeRootCommand.Create().Subcommands.Select(c => c.Name));
        Assert.DoesNotContain(flags, f => f.Command == "embed" && f.Name == "--batch-size");
        Assert.Contains(flags, f => f.Command == "embed" && f.Name == "--chunk-size");
        Assert.All(flags.Where(f => f.Name == "--labels"), f => Assert.Equal("(none)", Default(f.Option)));
        Assert.All(flags.Where(f => f.Name == "--seed"), f => Assert.Equal("42", Default(f.Option)));
        Assert.DoesNotContain(flags, f => f.Command == "import-pytorch" && f.Name == "--checkpoint");
    }
}
