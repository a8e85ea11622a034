using System.Text.RegularExpressions;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Terminal;

/// <summary>
/// The libraries' errors name API members (option properties, method parameters); the tool's user knows flags. This
/// maps one vocabulary onto the other in an error line: a member with a capital inside its name (LearningRate,
/// shardCount) anywhere in the text, and the exception's own parameter (shard, checkpoint) where it stands as a word.
/// </summary>
internal static partial class FlagVocabulary
{
    private static readonly Dictionary<string, string> Flags = Table();

    /// <summary>The flag a command gives for the API member <paramref name="member"/>, or null.</summary>
    public static string? FlagOf(string member) => Flags.GetValueOrDefault(member);

    /// <summary><paramref name="message"/> with the API members it names replaced by their flags.</summary>
    public static string InFlags(string message, string? parameter) =>
        Word().Replace(SwitchedOn().Replace(message, match =>
                Flags.TryGetValue(match.Groups[1].Value, out var flag) ? flag : match.Value), match =>
            Flags.TryGetValue(match.Value, out var flag)
            && (match.Value.Skip(1).Any(char.IsUpper) || match.Value == parameter)
                ? flag
                : match.Value);

    // Every setting's property and flag, then the members the commands pass their other flags to.
    private static Dictionary<string, string> Table()
    {
        var table = AavaeSettings.All.ToDictionary(s => s.PropertyName, s => s.Flag, StringComparer.Ordinal);
        (string Member, string Flag)[] others =
        [
            ("SkipDecoder", "--skip-decoder"), ("pretrainImages", "--pretrain-images"),
            ("probeTrainImages", "--probe-train-images"), ("dataDirectory", "--data-dir"),
            ("shard", "--shard"), ("shardCount", "--shard-count"), ("chunkSize", "--chunk-size"),
            ("checkpoint", "--checkpoint"), ("imageColumn", "--image-column"), ("column", "--column"),
            ("format", "--format"),
        ];
        foreach (var (member, flag) in others) table.Add(member, flag);
        return table;
    }

    // A boolean member set on (SkipDecoder = true): a switch on the command line.
    [GeneratedRegex(@"\b([A-Za-z][A-Za-z0-9]*) = true\b")]
    private static partial Regex SwitchedOn();

    // A word that is not the start of a file name (model.zip) or a dotted member path.
    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9]*\b(?!\.\w)")]
    private static partial Regex Word();
}
