using System.CommandLine;
using AavaeMlNet.Cli.Commands;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Tests.Terminal;

/// <summary>Help grouped by topic, and the output flags that now share one name.</summary>
public class TopicHelpTests
{
    private static string Help(params string[] command)
    {
        using var output = new StringWriter();
        int exit = AavaeRootCommand.Create().Parse([.. command, "--help"])
            .Invoke(new InvocationConfiguration { Output = output });
        Assert.Equal(0, exit);
        return output.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>Each heading with the flags listed under it, in order.</summary>
    private static List<(string Topic, List<string> Flags)> Sections(string help)
    {
        var sections = new List<(string, List<string>)>();
        foreach (string line in help.Split('\n').SkipWhile(l => l != "Options:").TakeWhile(l => l != "Commands:"))
        {
            if (line.EndsWith(':') && !line.StartsWith(' ')) sections.Add((line.TrimEnd(':'), []));
            else if (line.StartsWith("  -", StringComparison.Ordinal))
                sections[^1].Item2.Add(line.TrimStart().Split(',', ' ')[0]);
        }
        return sections;
    }

    [Theory]
    [InlineData("pretrain")]
    [InlineData("demo")]
    [InlineData("experiment", "aavae")]
    public void Setting_flags_are_listed_under_their_topics_after_the_commands_own_options(params string[] command)
    {
        var sections = Sections(Help(command));
        Assert.Equal(["Options", "Budget and recipe", "Model", "Views", "Training", "Compute", "After training",
            "Checkpoints"], sections.Select(s => s.Topic));
        foreach (var setting in AavaeSettings.All)
        {
            var (topic, flags) = Assert.Single(sections, s => s.Flags.Contains(setting.Flag));
            Assert.Equal(setting.Topic, topic);
        }
        Assert.Contains("-?", sections[0].Flags); // -?, -h, --help
        Assert.Contains("-v", sections[0].Flags);
        Assert.DoesNotContain(sections[0].Flags, f => AavaeSettings.All.Any(s => s.Flag == f));
    }

    [Fact]
    public void Commands_without_setting_flags_keep_one_options_list()
    {
        string help = Help("inspect", "map");
        Assert.Equal(["Options"], Sections(help).Select(s => s.Topic));
        Assert.Contains("  -o, --output, --output-dir <output>", help);
        Assert.Contains("Options:", Help());
    }

    [Theory]
    [InlineData("inspect map --output-dir out", "inspect map -o out")]
    [InlineData("evaluate --report-dir out", "evaluate --output out")]
    [InlineData("data verify --dir d --manifest m", "data verify --data-dir d --manifest m")]
    public void A_former_output_name_still_reads_the_same_option(string former, string current)
    {
        var root = AavaeRootCommand.Create();
        var before = root.Parse(former);
        var after = root.Parse(current);
        var option = after.CommandResult.Command.Options.Single(o =>
            o.Name is "--output" or "--data-dir" && after.GetResult(o) is { Implicit: false });
        Assert.Equal(after.GetValue<string>(option.Name), before.GetValue<string>(option.Name));
        Assert.DoesNotContain(before.Errors, e => e.Message.Contains("Unrecognized", StringComparison.Ordinal));
    }
}
