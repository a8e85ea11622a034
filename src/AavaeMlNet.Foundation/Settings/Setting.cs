using System.Globalization;
using System.Reflection;

namespace AavaeMlNet.Settings;

/// <summary>
/// One setting read from its declaration (a property marked <see cref="SettingAttribute"/>): its flag, help, value
/// type, allowed values, and the one text grammar that the command line and sweeps share.
/// </summary>
/// <remarks>
/// Texts: integers and numbers in the invariant culture; <c>true</c>/<c>false</c>; an enum member by its
/// <see cref="SettingValueAttribute"/> spelling or lower-case name; a (Min, Max) range as <c>MIN,MAX</c>; a
/// <see cref="TimeSpan"/> as a duration (30s, 10m, 1.5h; a bare number is minutes: <c>Duration.TryParse</c>). A
/// nullable setting takes the same texts; its null default means "chosen
/// elsewhere" (by the image shape or the variant), as its help says.
/// </remarks>
public sealed class Setting
{
    private readonly PropertyInfo property;

    internal Setting(PropertyInfo property, SettingAttribute attribute, string topic)
    {
        this.property = property;
        Topic = topic;
        Flag = attribute.Flag;
        FormerFlag = attribute.FormerFlag;
        NullText = attribute.NullText;
        Help = attribute.Help;
        ValueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        IsNullable = ValueType != property.PropertyType;
        AllowedValues = ValueType.IsEnum ? [.. Enum.GetValues(ValueType).Cast<object>().Select(EnumText)] : null;
    }

    /// <summary>The topic help lists it under (<see cref="SettingAttribute.Topic"/>).</summary>
    public string Topic { get; }

    /// <summary>The command-line flag, with its dashes (<c>--latent</c>).</summary>
    public string Flag { get; }

    /// <summary>A former flag that still reads this setting, hidden from help (null: none).</summary>
    public string? FormerFlag { get; }

    /// <summary>The text that sets this setting to null (null: none does; see
    /// <see cref="SettingAttribute.NullText"/>).</summary>
    public string? NullText { get; }

    /// <summary>The flag without its dashes (<c>latent</c>): the name a sweep uses.</summary>
    public string Name => Flag.TrimStart('-');

    /// <summary>The declaring property's name (<c>LatentDim</c>).</summary>
    public string PropertyName => property.Name;

    /// <summary>One line for the command's help.</summary>
    public string Help { get; }

    /// <summary>The value's type without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType { get; }

    /// <summary>True when null is a value (the setting is then chosen elsewhere).</summary>
    public bool IsNullable { get; }

    /// <summary>Every member's text, in declaration order, for an enum setting; null otherwise.</summary>
    public IReadOnlyList<string>? AllowedValues { get; }

    /// <summary>This setting's value in <paramref name="settings"/>.</summary>
    public object? Get(object settings) => property.GetValue(settings);

    /// <summary>
    /// Sets this setting in <paramref name="settings"/> (a value of <see cref="ValueType"/>, or null).
    /// </summary>
    public void Set(object settings, object? value) => property.SetValue(settings, value);

    /// <summary>
    /// The value a text names (null for <see cref="NullText"/>); an <see cref="ArgumentException"/> naming the flag
    /// when it names none.
    /// </summary>
    public object? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (NullText is { } none && string.Equals(trimmed, none, StringComparison.OrdinalIgnoreCase)) return null;
        var number = NumberStyles.Float;
        var invariant = CultureInfo.InvariantCulture;
        if (ValueType == typeof(int) && int.TryParse(trimmed, NumberStyles.Integer, invariant, out int i)) return i;
        if (ValueType == typeof(long) && long.TryParse(trimmed, NumberStyles.Integer, invariant, out long l)) return l;
        if (ValueType == typeof(double) && double.TryParse(trimmed, number, invariant, out double d)) return d;
        if (ValueType == typeof(bool) && bool.TryParse(trimmed, out bool b)) return b;
        if (ValueType == typeof(TimeSpan) && Text.Duration.TryParse(trimmed) is { } duration) return duration;
        if (ValueType == typeof((double, double)))
        {
            var parts = trimmed.Split(',');
            if (parts.Length == 2
                && double.TryParse(parts[0], number, invariant, out double min)
                && double.TryParse(parts[1], number, invariant, out double max))
                return (min, max);
        }
        if (ValueType.IsEnum)
        {
            foreach (var member in Enum.GetValues(ValueType))
                if (string.Equals(EnumText(member), trimmed, StringComparison.OrdinalIgnoreCase)) return member;
        }
        throw new ArgumentException($"{Flag} '{text}' must be {Expected}{(NullText is { } off ? $", or {off}" : "")}.");
    }

    /// <summary>The text <see cref="Parse"/> reads back as <paramref name="value"/>; for null,
    /// <see cref="NullText"/>.</summary>
    public string? Format(object? value) => value switch
    {
        null => NullText,
        Enum member => EnumText(member),
        bool flag => flag ? "true" : "false",
        TimeSpan span => Text.Duration.ToText(span),
        ValueTuple<double, double> range => string.Create(CultureInfo.InvariantCulture, $"{range.Item1},{range.Item2}"),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private string Expected => ValueType switch
    {
        _ when ValueType == typeof(int) || ValueType == typeof(long) => "an integer",
        _ when ValueType == typeof(double) => "a number",
        _ when ValueType == typeof(bool) => "true or false",
        _ when ValueType == typeof(TimeSpan) => "a positive duration such as 30s, 10m or 1h (a bare number is minutes)",
        _ when ValueType == typeof((double, double)) => "two numbers MIN,MAX (for example 0.2,1)",
        _ when AllowedValues is { } names => $"one of {string.Join(", ", names)}",
        _ => $"a {ValueType.Name}",
    };

    private static string EnumText(object member)
    {
        var field = member.GetType().GetField(member.ToString()!);
        return field?.GetCustomAttribute<SettingValueAttribute>()?.Name ?? member.ToString()!.ToLowerInvariant();
    }
}
