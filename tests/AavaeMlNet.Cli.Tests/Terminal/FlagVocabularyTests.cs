using System.Text.RegularExpressions;
using AavaeMlNet.Cli.Terminal;

namespace AavaeMlNet.Cli.Tests.Terminal;

public class FlagVocabularyTests
{
    [Theory]
    [InlineData("TimeBudget must be positive.", "TimeBudget", "--budget must be positive.")]
    [InlineData("Epochs must be at least 1.", "Epochs", "--epochs must be at least 1.")]
    [InlineData("Set Epochs or TimeBudget: one of them must bound the run.", "Epochs",
        "Set --epochs or --budget: one of them must bound the run.")]
    [InlineData("shard 0/4 disagrees with shardCount 8.", "shard", "--shard 0/4 disagrees with --shard-count 8.")]
    [InlineData("import the encoder with SkipDecoder = true, the decoder then starts afresh", null,
        "import the encoder with --skip-decoder, the decoder then starts afresh")]
    [InlineData("Give checkpoint, an encoder.ckpt, or the model.zip it was saved with.", "checkpoint",
        "Give --checkpoint, an encoder.ckpt, or the model.zip it was saved with.")]
    [InlineData("the shard of a checkpoint and its Depth", null, "the shard of a checkpoint and its Depth")]
    public void Api_members_in_an_error_become_the_commands_flags(string message, string? parameter,
        string expected) =>
        Assert.Equal(expected, FlagVocabulary.InFlags(message, parameter));

    [Fact]
    public void Every_flag_the_vocabulary_names_is_an_option_of_some_command()
    {
        var flags = AavaeMlNet.Cli.Commands.AavaeRootCommand.Create().Subcommands.SelectMany(AllCommands)
            .SelectMany(c => c.Options).SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet();
        foreach (string member in new[] { "SkipDecoder", "pretrainImages", "probeTrainImages", "dataDirectory",
                     "shard", "shardCount", "chunkSize", "checkpoint", "imageColumn", "column", "format", "Seed" })
            Assert.Contains(FlagVocabulary.FlagOf(member)!, flags);
    }

    [Fact]
    public void No_library_error_names_a_command_line_flag()
    {
        // Every project of src/ but the tool and the bench.
        string[] libraries = [.. Directory.GetDirectories(RepositoryRoot.Combine("src")).Select(Path.GetFileName)
            .Where(p => p is not ("AavaeMlNet.Cli" or "AavaeMlNet.Bench")).Select(p => p!)];
        Assert.Contains("AavaeMlNet.BatchEmbedding", libraries);
        // Code only: comments and the settings' [Setting("--flag", "help")] declarations are where flags belong.
        // A flag of this tool is kebab-case; the reference implementation's snake_case arguments (--h_dim) are not.
        var offenders = libraries
            .SelectMany(l => Directory.GetFiles(RepositoryRoot.Combine("src", l), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => Regex.Matches(
                    Regex.Replace(File.ReadAllText(f), @"^\s*//[^\n]*$|\[Setting\(.*?\)\]", "",
                        RegexOptions.Multiline | RegexOptions.Singleline),
                    "\"[^\"\n]*--[a-z][a-z0-9-]*(?![a-z0-9_])[^\"\n]*\"")
                .Select(m => $"{Path.GetRelativePath(RepositoryRoot.Path, f)}: {m.Value}"))
            .ToList();
        Assert.Empty(offenders);
    }

    private static IEnumerable<System.CommandLine.Command> AllCommands(System.CommandLine.Command command) =>
        command.Subcommands.SelectMany(AllCommands).Prepend(command);
}
