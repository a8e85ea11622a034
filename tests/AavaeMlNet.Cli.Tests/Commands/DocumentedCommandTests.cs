using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using AavaeMlNet.Cli.Commands;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>
/// Every `aavae` (or `./build.sh demo`) command line that the README, docs/, the notebooks and the package pages show
/// names a command that exists and only flags that command takes, so a renamed flag fails here and not for the user who
/// copies the line. The run reports (docs/results/RUN/report.md) are records of the commands that made them, with the
/// flags of their day, and are not read.
/// </summary>
public class DocumentedCommandTests
{
    // A fenced block (its lines, continuations joined) or an inline code span, which markdown lets run over a line end.
    private static readonly Regex Code = new(@"```[^\n]*\n(?<block>.*?)```|`(?<span>[^`]+)`", RegexOptions.Singleline);
    // The tool by name (not the experiment of that name), through `dotnet run --project`, or the build script.
    private static readonly Regex Invocation = new(
        @"(?:(?<![\w./-])(?<!experiment\s)aavae|src/AavaeMlNet\.Cli --|\./build\.sh)[ \t]+(?<words>[^|;&>\n]*)");

    private static readonly RootCommand Root = AavaeRootCommand.Create();

    private static IEnumerable<string> Documents()
    {
        string root = RepositoryRoot.Path;
        string[] patterns = ["README.md", "docs/*.md", "docs/results/*.md", "notebooks/*.md", "notebooks/*.ipynb"];
        return patterns.SelectMany(p => Directory.GetFiles(Path.Combine(root, Path.GetDirectoryName(p)!),
                Path.GetFileName(p)))
            .Concat(Directory.GetDirectories(Path.Combine(root, "src")).Select(d => Path.Combine(d, "PACKAGE.md"))
                .Where(File.Exists))
            .Order();
    }

    // A notebook as markdown: its markdown cells as they are, its code cells as fenced blocks.
    private static string Markdown(string path)
    {
        string text = File.ReadAllText(path);
        if (!path.EndsWith(".ipynb", StringComparison.Ordinal)) return text;
        using var notebook = JsonDocument.Parse(text);
        return string.Join("\n", notebook.RootElement.GetProperty("cells").EnumerateArray().Select(cell =>
        {
            string source = string.Concat(cell.GetProperty("source").EnumerateArray().Select(s => s.GetString()));
            return cell.GetProperty("cell_type").GetString() == "code" ? $"```\n{source}\n```" : source;
        }));
    }

    /// <summary>The command lines of <paramref name="markdown"/>: each one's command and the flags it names.</summary>
    internal static IEnumerable<(string Line, Command? Command, List<string> Flags)> CommandLines(string markdown)
    {
        foreach (Match code in Code.Matches(markdown))
        {
            string text = code.Groups["block"].Success ? code.Groups["block"].Value.Replace("\\\n", " ")
                : code.Groups["span"].Value.Replace('\n', ' ');
            foreach (Match invocation in Invocation.Matches(text))
            {
                var words = invocation.Groups["words"].Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(w => w.Trim('[', ']', '(', ')', '"', '\'')).ToList();
                bool buildScript = invocation.Value.StartsWith("./build.sh", StringComparison.Ordinal);
                // `./build.sh test` is not the tool; `aavae = ...` in C# is a variable.
                if (words.Count == 0 || (buildScript && words[0] != "demo")
                    || !Regex.IsMatch(words[0], "^(-|[a-z][a-z0-9-]*$)")) continue;
                Command? command = Root;
                int used = 0;
                while (used < words.Count && command.Subcommands.FirstOrDefault(c => c.Name == words[used]) is { } sub)
                    (command, used) = (sub, used + 1);
                if (used == 0) command = words[0].StartsWith('-') ? Root : null;
                var flags = words.Skip(used).Where(w => Regex.IsMatch(w, @"^--?[a-zA-Z?]"))
                    .Select(w => w.Split('=')[0]).ToList();
                yield return (Regex.Replace(invocation.Value.Trim(), @"\s+", " "), command, flags);
            }
        }
    }

    /// <summary>What is wrong with the command lines of <paramref name="markdown"/>, one line each.</summary>
    internal static IEnumerable<string> Problems(string markdown, string document) =>
        CommandLines(markdown).SelectMany(line => line.Command is null
            ? [$"{document}: `{line.Line}`: no such command"]
            : line.Flags.Where(f => !Accepts(line.Command, f))
                .Select(f => $"{document}: `{line.Line}`: '{line.Command.Name}' has no flag {f}"));

    private static bool Accepts(Command command, string flag) =>
        Ancestry(command).SelectMany(c => c.Options).Any(o => o.Name == flag || o.Aliases.Contains(flag));

    private static IEnumerable<Command> Ancestry(Command command) =>
        command.Parents.OfType<Command>().SelectMany(Ancestry).Prepend(command);

    [Fact]
    public void Every_documented_command_line_uses_flags_its_command_takes()
    {
        var documents = Documents().Select(d => (Name: Path.GetRelativePath(RepositoryRoot.Path, d), Text: Markdown(d)))
            .ToList();
        var problems = documents.SelectMany(d => Problems(d.Text, d.Name)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The walk reads the documents it should: every command of the tool is shown somewhere.
        var shown = documents.SelectMany(d => CommandLines(d.Text)).Where(l => l.Command is not null)
            .SelectMany(l => Ancestry(l.Command!)).Select(c => c.Name).ToHashSet();
        var missing = Root.Subcommands.Select(c => c.Name).Where(c => !shown.Contains(c));
        Assert.True(!missing.Any(), "no documented command line for: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_stale_flag_an_unknown_command_and_a_continued_line_are_caught()
    {
        const string markdown = """
            Score it with `aavae evaluate --model m.zip
            --labels 10/class`, or in a block:

            ```bash
            A=1 aavae experiment aavae --budget 10m \
              --seeds 7 | tee log
            aavae train --folder x
            var aavae = new AavaeEstimator(options);
            dotnet run --project src/AavaeMlNet.Cli -- evaluate --model m.zip --labels 10/class
            ./build.sh test --anything
            ./build.sh demo --budget 5m -o out
            ```
            """;
        Assert.Equal([
            "doc: `aavae evaluate --model m.zip --labels 10/class`: 'evaluate' has no flag --labels",
            "doc: `aavae experiment aavae --budget 10m --seeds 7`: 'experiment' has no flag --seeds",
            "doc: `aavae train --folder x`: no such command",
            "doc: `src/AavaeMlNet.Cli -- evaluate --model m.zip --labels 10/class`: 'evaluate' has no flag --labels",
        ], Problems(markdown, "doc"));
        Assert.Equal(["--budget", "-o"], CommandLines(markdown).Last().Flags);
    }
}
