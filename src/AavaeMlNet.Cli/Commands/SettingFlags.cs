using System.CommandLine;
using System.Runtime.CompilerServices;
using AavaeMlNet.Settings;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Commands;

/// <summary>
/// The flags of every <see cref="AavaeSettings"/> setting, made from its one declaration: the flag name, the help,
/// the default (the command's own defaults: the library's for `pretrain`, the Fashion-MNIST recipe's for `demo` and
/// `experiment`) and, for an enum, the accepted values. Every value is read by <see cref="Setting.Parse"/>, the
/// grammar a sweep over any setting reads too. A new setting in <see cref="AavaeSettings"/> is a flag here at once.
/// </summary>
internal sealed class SettingFlags
{
    private readonly AavaeSettings defaults;
    private readonly List<(Setting Setting, Option Option)> flags;

    /// <summary>The flags, with defaults taken from <paramref name="defaults"/>.</summary>
    public SettingFlags(AavaeSettings defaults)
    {
        this.defaults = defaults;
        flags = [.. AavaeSettings.All.Select(s => (s, Create(s, s.Get(defaults))))];
    }

    /// <summary>Adds every flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var (_, option) in flags) command.Options.Add(option);
    }

    /// <summary>A copy of the defaults with the value of each flag given on the command line.</summary>
    /// <exception cref="ArgumentException">A value the setting does not read (the message names the flag).</exception>
    public AavaeSettings Read(ParseResult parse)
    {
        var settings = defaults.Copy();
        foreach (var (setting, option) in flags)
        {
            if (parse.GetResult(option) is not { Implicit: false }) continue;
            object? value = option is Option<bool> flag
                ? parse.GetValue(flag)
                : setting.Parse(parse.GetValue((Option<string>)option)!);
            setting.Set(settings, value);
        }
        return settings;
    }

    private static readonly ConditionalWeakTable<Option, Setting> Made = new();

    /// <summary>The setting <paramref name="option"/> was made for, or null for a command's own option.</summary>
    public static Setting? SettingOf(Option option) => Made.TryGetValue(option, out var setting) ? setting : null;

    private static Option Create(Setting setting, object? fallback)
    {
        var option = CreateOption(setting, fallback);
        Made.AddOrUpdate(option, setting);
        return option;
    }

    private static Option CreateOption(Setting setting, object? fallback)
    {
        if (setting.ValueType == typeof(bool) && !setting.IsNullable)
        {
            bool initial = (bool)fallback!;
            return new Option<bool>(setting.Flag) { Description = setting.Help, DefaultValueFactory = _ => initial };
        }
        var option = new Option<string>(setting.Flag) { Description = setting.Help };
        if (setting.FormerFlag is { } former) option.Aliases.Add(former); // a bare number there is minutes, as before
        if (setting.Format(fallback) is { } text) option.DefaultValueFactory = _ => text;
        if (setting.AllowedValues is { } names) option.AcceptOnlyFromAmong([.. names]);
        return option;
    }
}
