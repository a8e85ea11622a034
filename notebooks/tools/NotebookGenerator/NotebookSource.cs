namespace AavaeMlNet.Notebooks.Generator;

/// <summary>
/// Reads a notebook's single source, a C# file-based app, into cells. The file starts with the app's header (a
/// <c>#!</c> line, <c>#:project</c>/<c>#:package</c>/<c>#:property</c> directives, comments), which the notebook does
/// not get; then each cell begins with a marker line <c>// %% [markdown]</c>, <c>// %% [code]</c>,
/// <c>// %% [parameters]</c>, <c>// %% [notebook]</c> or <c>// %% [app]</c> (see <see cref="CellKind"/>) and runs
/// to the next marker.
/// </summary>
public static class NotebookSource
{
    private const string MarkerPrefix = "// %% [";

    /// <summary>The cells of <paramref name="source"/>; <paramref name="name"/> names the file in errors.</summary>
    /// <exception cref="FormatException">An unknown marker, a comment cell with a line that is not a comment, an
    /// empty cell, or no cell.</exception>
    public static IReadOnlyList<NotebookCell> Parse(string source, string name)
    {
        var lines = source.ReplaceLineEndings("\n").Split('\n');
        var cells = new List<NotebookCell>();
        CellKind? kind = null;
        int start = 0;
        for (int i = 0; i <= lines.Length; i++)
        {
            bool end = i == lines.Length;
            if (!end && !lines[i].StartsWith(MarkerPrefix, StringComparison.Ordinal))
            {
                if (kind is null) CheckHeaderLine(lines[i], name, i + 1);
                continue;
            }
            if (kind is { } current) cells.Add(ToCell(current, lines[start..i], name, start));
            if (end) break;
            kind = ParseMarker(lines[i], name, i + 1);
            start = i + 1;
        }
        if (cells.Count == 0)
            throw new FormatException($"{name}: no cells; a cell starts with a line such as '// %% [code]'.");
        return cells;
    }

    private static CellKind ParseMarker(string line, string name, int lineNumber) => line.TrimEnd() switch
    {
        "// %% [markdown]" => CellKind.Markdown,
        "// %% [code]" => CellKind.Code,
        "// %% [notebook]" => CellKind.Notebook,
        "// %% [app]" => CellKind.App,
        "// %% [parameters]" => CellKind.Parameters,
        _ => throw new FormatException(
            $"{name}({lineNumber}): unknown cell marker '{line.Trim()}'; " +
            "expected // %% [markdown], [code], [parameters], [notebook] or [app]."),
    };

    private static void CheckHeaderLine(string line, string name, int lineNumber)
    {
        string trimmed = line.Trim();
        if (trimmed.Length > 0
            && !trimmed.StartsWith("#!", StringComparison.Ordinal)
            && !trimmed.StartsWith("#:", StringComparison.Ordinal)
            && !trimmed.StartsWith("//", StringComparison.Ordinal))
            throw new FormatException($"{name}({lineNumber}): code before the first cell marker; " +
                "only #!, #: and comment lines may precede it.");
    }

    private static NotebookCell ToCell(CellKind kind, string[] lines, string name, int firstLineIndex)
    {
        var body = kind is CellKind.Markdown or CellKind.Notebook
            ? lines.Select((line, k) => Uncomment(line, name, firstLineIndex + k + 1)).ToArray()
            : lines.Select(line => line.TrimEnd()).ToArray();
        int first = Array.FindIndex(body, l => l.Length > 0);
        int last = Array.FindLastIndex(body, l => l.Length > 0);
        if (first < 0)
            throw new FormatException(
                $"{name}({firstLineIndex}): the {kind.ToString().ToLowerInvariant()} cell is empty.");
        return new NotebookCell(kind, string.Join('\n', body[first..(last + 1)]));
    }

    /// <summary>
    /// "// text" becomes "text", "//" becomes ""; a blank line stays blank; anything else is an error.
    /// </summary>
    private static string Uncomment(string line, string name, int lineNumber)
    {
        string trimmed = line.TrimEnd();
        if (trimmed.Length == 0 || trimmed == "//") return "";
        if (trimmed.StartsWith("// ", StringComparison.Ordinal)) return trimmed[3..];
        throw new FormatException(
            $"{name}({lineNumber}): a markdown or notebook cell holds '// ' comment lines only, got '{trimmed}'.");
    }
}
