using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using AavaeMlNet.Cli.Commands;

namespace AavaeMlNet.Cli.Terminal;

/// <summary>
/// Help grouped by topic: a command's own options first (under "Options:"), then its setting flags under the topic
/// each setting declares (<see cref="Settings.SettingAttribute.Topic"/>: "Budget and recipe", "Model", "Views",
/// "Training", ...). System.CommandLine keeps its help layout internal, so its own text is rendered and its option
/// rows regrouped; everything else (usage, commands, the rows' columns) stays as it wrote them.
/// </summary>
internal sealed class TopicHelp(HelpAction standard) : SynchronousCommandLineAction
{
    private const string OwnOptions = "Options";

    [ThreadStatic] private static bool rendering;

    /// <summary>Puts the grouped help on <paramref name="root"/>'s help option, which every command inherits.
    /// </summary>
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new TopicHelp((HelpAction)help.Action!);
    }

    public override int Invoke(ParseResult parseResult)
    {
        if (rendering) return standard.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        using var text = new StringWriter();
        rendering = true;
        try
        {
            parseResult.Invoke(new InvocationConfiguration { Output = text });
        }
        finally
        {
            rendering = false;
        }
        output.Write(Group(text.ToString(), parseResult.CommandResult.Command));
        return 0;
    }

    /// <summary>The help text with its "Options:" rows regrouped by topic (unchanged without setting flags).</summary>
    internal static string Group(string help, Command command)
    {
        string newline = help.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = help.Split(newline);
        int start = Array.IndexOf(lines, "Options:");
        if (start < 0) return help;
        int end = start + 1;
        while (end < lines.Length && lines[end].Length > 0) end++;

        // A row starts at an option's first alias ("  -o, --output <output>  ..."); wrapped lines belong to it.
        var rows = new List<(string Topic, List<string> Lines)>();
        for (int i = start + 1; i < end; i++)
        {
            if (lines[i].StartsWith("  -", StringComparison.Ordinal) || rows.Count == 0)
                rows.Add((TopicOf(lines[i], command), []));
            rows[^1].Lines.Add(lines[i]);
        }
        if (rows.All(r => r.Topic == OwnOptions)) return help;

        var grouped = new List<string>();
        foreach (var topic in rows.Select(r => r.Topic).Distinct().OrderBy(t => t == OwnOptions ? 0 : 1))
        {
            if (grouped.Count > 0) grouped.Add("");
            grouped.Add($"{topic}:");
            grouped.AddRange(rows.Where(r => r.Topic == topic).SelectMany(r => r.Lines));
        }
        return string.Join(newline, [.. lines[..start], .. grouped, .. lines[end..]]);
    }

    private static string TopicOf(string row, Command command)
    {
        string first = row.TrimStart().Split(',', ' ')[0];
        var option = command.Options.FirstOrDefault(o => o.Name == first || o.Aliases.Contains(first));
        return option is not null && SettingFlags.SettingOf(option) is { } setting ? setting.Topic : OwnOptions;
    }
}
