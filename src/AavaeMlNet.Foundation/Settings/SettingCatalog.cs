using System.Collections.Concurrent;
using System.Reflection;

namespace AavaeMlNet.Settings;

/// <summary>
/// The settings a type declares (its public properties marked <see cref="SettingAttribute"/>, in declaration order),
/// found by flag name: what the command line binds and what a sweep over any setting enumerates.
/// </summary>
public static class SettingCatalog
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<Setting>> Cache = new();

    /// <summary>Every setting <paramref name="type"/> declares or inherits, in declaration order.</summary>
    public static IReadOnlyList<Setting> Of(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var settings = new List<Setting>();
        string topic = "Settings";
        foreach (var (property, attribute) in t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Select(p => (Property: p, Attribute: p.GetCustomAttribute<SettingAttribute>()))
                     .Where(p => p.Attribute is not null)
                     .OrderBy(p => p.Property.MetadataToken))
        {
            topic = attribute!.Topic ?? topic;
            settings.Add(new Setting(property, attribute, topic));
        }
        return settings;
    });

    /// <summary>The setting named <paramref name="name"/> (with or without its dashes).</summary>
    /// <exception cref="ArgumentException">No setting has that name; the message lists them all.</exception>
    public static Setting Find(Type type, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string bare = name.TrimStart('-');
        var settings = Of(type);
        return settings.FirstOrDefault(s => string.Equals(s.Name, bare, StringComparison.OrdinalIgnoreCase))
            ?? settings.FirstOrDefault(s => string.Equals(s.FormerFlag?.TrimStart('-'), bare,
                StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Unknown setting '{name}': expected one of {string.Join(", ", settings.Select(s => s.Name))}.");
    }
}
