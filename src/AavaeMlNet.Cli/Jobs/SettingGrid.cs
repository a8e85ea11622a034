using AavaeMlNet.Settings;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// One point of a <see cref="SettingGrid"/>: its label ("lr=0.002, crop-scale=0.2,1") and its values.
/// </summary>
public sealed record SettingGridPoint(string Label, IReadOnlyList<(Setting Setting, object? Value)> Values)
{
    /// <summary>Sets every value of the point on <paramref name="settings"/>.</summary>
    public void Apply(AavaeSettings settings)
    {
        foreach (var (setting, value) in Values) setting.Set(settings, value);
    }
}

/// <summary>
/// The sweep that `experiment --set NAME=V1,V2 [--set NAME2=...]` asks for over any setting of
/// <see cref="AavaeSettings"/>: every combination of the listed values (a grid, the first name varying slowest).
/// Values are comma-separated in each setting's own text (<see cref="Setting.Parse"/>); a MIN,MAX range setting takes
/// its values in pairs (<c>crop-scale=0.2,1,0.35,1</c> is two runs). Everything is parsed before any run starts.
/// </summary>
public static class SettingGrid
{
    /// <summary>The grid's points; one empty point when <paramref name="sets"/> is empty.</summary>
    public static IReadOnlyList<SettingGridPoint> Parse(IReadOnlyList<string> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var axes = new List<(Setting Setting, IReadOnlyList<(string Text, object? Value)> Values)>();
        foreach (string set in sets)
        {
            int equals = set.IndexOf('=');
            if (equals <= 0 || equals == set.Length - 1)
                throw new ArgumentException(
                    $"--set '{set}' must be NAME=VALUE[,VALUE...], for example lr=0.001,0.002.");
            var setting = SettingCatalog.Find(typeof(AavaeSettings), set[..equals].Trim());
            if (axes.Any(axis => axis.Setting.Name == setting.Name))
                throw new ArgumentException($"--set names '{setting.Name}' twice: list all its values in one --set.");
            axes.Add((setting, Values(setting, set[(equals + 1)..])));
        }
        IEnumerable<IReadOnlyList<(Setting, string, object?)>> points = [[]];
        foreach (var (setting, values) in axes)
            points = points.SelectMany(point => values.Select(v =>
                (IReadOnlyList<(Setting, string, object?)>)[.. point, (setting, v.Text, v.Value)]));
        return [.. points.Select(point => new SettingGridPoint(
            string.Join(", ", point.Select(p => $"{p.Item1.Name}={p.Item2}")),
            [.. point.Select(p => (p.Item1, p.Item3))]))];
    }

    private static IReadOnlyList<(string Text, object? Value)> Values(Setting setting, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        bool range = setting.ValueType == typeof((double, double));
        if (parts.Any(p => p.Length == 0) || (range && parts.Length % 2 != 0))
            throw new ArgumentException(range
                ? $"--set {setting.Name}='{text}' must list MIN,MAX pairs, for example 0.2,1,0.35,1."
                : $"--set {setting.Name}='{text}' must list comma-separated values.");
        var texts = range
            ? Enumerable.Range(0, parts.Length / 2).Select(i => parts[2 * i] + "," + parts[2 * i + 1])
            : parts;
        var values = texts.Select(t => (Text: t, Value: setting.Parse(t))).ToList();
        if (values.Select(v => v.Text).Distinct().Count() != values.Count)
            throw new ArgumentException($"--set {setting.Name}='{text}' lists a value twice.");
        return values;
    }
}
