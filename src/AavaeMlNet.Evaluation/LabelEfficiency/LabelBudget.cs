using System.Globalization;

namespace AavaeMlNet.Evaluation.LabelEfficiency;

/// <summary>How a label budget is counted.</summary>
public enum LabelBudgetKind
{
    /// <summary>The same number of labelled images in every class ("100/class").</summary>
    PerClass,
    /// <summary>A percentage of the labelled training images, spread over the classes in proportion ("1%").</summary>
    Percent,
    /// <summary>A number of labelled images, spread over the classes in proportion ("1000").</summary>
    Images,
}

/// <summary>
/// One label budget of the label-efficiency table: the probe is fitted on a stratified, seeded subset of this size
/// (see <see cref="LabelSubset"/>). Written as "N/class", "P%" or "N"; <see cref="ToString"/> gives that text back.
/// </summary>
/// <param name="Kind">How <paramref name="Value"/> counts.</param>
/// <param name="Value">Images per class, percent (0, 100] or images.</param>
public sealed record LabelBudget(LabelBudgetKind Kind, double Value)
{
    /// <summary>The self-supervised learning table's budgets: 100 per class, 1, 10 and 100 % of the labels.</summary>
    public static IReadOnlyList<LabelBudget> Standard { get; } = ParseList("100/class,1%,10%,100%");

    /// <summary>Parses "N/class", "P%" or "N" (N a positive integer, P in (0, 100]).</summary>
    public static LabelBudget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        var invariant = CultureInfo.InvariantCulture;
        if (trimmed.EndsWith("/class", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(trimmed[..^"/class".Length], NumberStyles.None, invariant, out int perClass)
            && perClass > 0)
            return new LabelBudget(LabelBudgetKind.PerClass, perClass);
        if (trimmed.EndsWith('%')
            && double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, invariant, out double percent)
            && percent > 0 && percent <= 100)
            return new LabelBudget(LabelBudgetKind.Percent, percent);
        if (int.TryParse(trimmed, NumberStyles.None, invariant, out int images) && images > 0)
            return new LabelBudget(LabelBudgetKind.Images, images);
        throw new FormatException(
            $"Label budget '{text}' is not N/class (images per class), P% (0 < P <= 100) or N (images), " +
            "for example 100/class, 1%, 1000.");
    }

    /// <summary>Parses a comma-separated list of budgets ("100/class,1%,10%,100%").</summary>
    public static IReadOnlyList<LabelBudget> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
            throw new FormatException(
                $"Label budgets '{text}' name no budget: expected a list such as 100/class,1%,10%.");
        return [.. parts.Select(Parse)];
    }

    /// <summary>The number of labelled images this budget takes from <paramref name="classSizes"/>.</summary>
    public int ImagesOf(IReadOnlyList<int> classSizes)
    {
        ArgumentNullException.ThrowIfNull(classSizes);
        int total = classSizes.Sum();
        int present = classSizes.Count(size => size > 0);
        return Kind switch
        {
            LabelBudgetKind.PerClass => checked((int)Value * present),
            LabelBudgetKind.Percent => (int)Math.Round(total * Value / 100, MidpointRounding.AwayFromZero),
            _ => (int)Value,
        };
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        LabelBudgetKind.PerClass => ((int)Value).ToString(CultureInfo.InvariantCulture) + "/class",
        LabelBudgetKind.Percent => Value.ToString("0.###", CultureInfo.InvariantCulture) + "%",
        _ => ((int)Value).ToString(CultureInfo.InvariantCulture),
    };
}
