namespace AavaeMlNet.Settings;

/// <summary>
/// Marks a property as a user-facing setting and gives its command-line flag and one-line help. The property is the
/// setting's one declaration: its initializer is the default, its type gives the parser and, for an enum, the allowed
/// values; <see cref="SettingCatalog"/> reads the rest from it.
/// </summary>
/// <param name="flag">The command-line flag, with its dashes (<c>--latent</c>).</param>
/// <param name="help">One line for the command's help.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAttribute(string flag, string help) : Attribute
{
    /// <summary>The command-line flag, with its dashes.</summary>
    public string Flag { get; } = flag;

    /// <summary>One line for the command's help.</summary>
    public string Help { get; } = help;

    /// <summary>
    /// A former flag that still reads this setting (hidden from help, kept so that recorded commands still run).
    /// </summary>
    public string? FormerFlag { get; init; }

    /// <summary>
    /// The topic under which help lists this setting and the ones declared after it, up to the next setting that names
    /// a topic (Model, Views, Training...). Null: the topic of the setting declared before.
    /// </summary>
    public string? Topic { get; init; }

    /// <summary>
    /// For a nullable setting whose null means "none" (not "chosen elsewhere"): the text that sets it to null, such as
    /// <c>off</c>. Null: no text sets it to null.
    /// </summary>
    public string? NullText { get; init; }
}

/// <summary>The command-line spelling of an enum member where it is not the lower-case name (bf16, 18).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class SettingValueAttribute(string name) : Attribute
{
    /// <summary>The spelling.</summary>
    public string Name { get; } = name;
}
