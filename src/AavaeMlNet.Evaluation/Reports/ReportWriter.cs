using System.Globalization;
using System.Text;
using System.Text.Json;
using AavaeMlNet.Io;

namespace AavaeMlNet.Evaluation.Reports;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> as metrics JSON and as a markdown summary, both atomically.
/// </summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// The JSON text: camelCase properties, indented; NaN and infinities as the strings "NaN", "Infinity".
    /// </summary>
    public static string ToJson(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(report, Json);
    }

    /// <summary>Reads back a report written by <see cref="WriteJson"/>.</summary>
    public static EvaluationReport FromJson(string json) =>
        JsonSerializer.Deserialize<EvaluationReport>(json, Json) ?? throw new JsonException("The report JSON is null.");

    /// <summary>
    /// The markdown summary: a title, the data set, a results table (accuracy in % with two decimals, invariant
    /// culture), the other tables, the figures as images, then the other metrics and the settings as bullet lists.
    /// </summary>
    public static string ToMarkdown(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.Append("# ").AppendLine(report.Title).AppendLine();
        text.Append("Data set: ").AppendLine(report.Dataset).AppendLine();
        if (report.Results.Count > 0)
        {
            text.AppendLine("| model | protocol | top-1 (%) | notes |");
            text.AppendLine("|---|---|---:|---|");
        }
        foreach (var result in report.Results)
        {
            text.Append("| ").Append(Cell(result.Model))
                .Append(" | ").Append(Cell(result.Protocol))
                .Append(" | ").Append((result.Accuracy * 100).ToString("F2", CultureInfo.InvariantCulture))
                .Append(" | ").Append(Cell(result.Notes ?? ""))
                .AppendLine(" |");
        }
        foreach (var table in report.Tables) text.AppendLine().Append(ToMarkdown(table));
        foreach (var figure in report.Figures)
            text.AppendLine().Append("![").Append(figure.Caption).Append("](").Append(figure.File).AppendLine(")");
        if (report.Metrics.Count > 0)
        {
            text.AppendLine().AppendLine("## Metrics").AppendLine();
            foreach (var (name, value) in report.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                text.Append("- ").Append(name).Append(": ")
                    .AppendLine(value.ToString("G6", CultureInfo.InvariantCulture));
        }
        if (report.Settings.Count > 0)
        {
            text.AppendLine().AppendLine("## Settings").AppendLine();
            foreach (var (name, value) in report.Settings.OrderBy(s => s.Key, StringComparer.Ordinal))
                text.Append("- ").Append(name).Append(": ").AppendLine(value);
        }
        return text.ToString();
    }

    /// <summary>A table as markdown: its caption, a blank line, then the table (first column left-aligned, the others
    /// right-aligned), each line ending in a line break.</summary>
    public static string ToMarkdown(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder();
        text.AppendLine(table.Caption).AppendLine();
        text.Append("| ").AppendJoin(" | ", table.Columns.Select(Cell)).AppendLine(" |");
        text.Append('|').AppendJoin("", table.Columns.Select((_, i) => i == 0 ? "---|" : "---:|")).AppendLine();
        foreach (var row in table.Rows)
            text.Append("| ").AppendJoin(" | ", row.Select(Cell)).AppendLine(" |");
        return text.ToString();
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteJson(string path, EvaluationReport report) => AtomicFile.WriteAllText(path, ToJson(report));

    /// <summary>Writes <see cref="ToMarkdown(EvaluationReport)"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteMarkdown(string path, EvaluationReport report) =>
        AtomicFile.WriteAllText(path, ToMarkdown(report));

    /// <summary>Keeps a value inside its table cell: pipes are escaped, line breaks become spaces.</summary>
    private static string Cell(string value) => value.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
