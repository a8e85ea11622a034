namespace AavaeMlNet.Notebooks.Generator;

/// <summary>What a cell of the source file becomes.</summary>
public enum CellKind
{
    /// <summary><c>// %% [markdown]</c>: a markdown cell; every line is a <c>//</c> comment in the source.</summary>
    Markdown,
    /// <summary><c>// %% [code]</c>: C# that runs in both forms, the notebook and the file-based app.</summary>
    Code,
    /// <summary>
    /// <c>// %% [notebook]</c>: C# for the notebook only (<c>#r</c> lines, inline display), commented out with
    /// <c>// </c> in the source so that the file-based app skips it.
    /// </summary>
    Notebook,
    /// <summary><c>// %% [app]</c>: C# for the file-based app only; left out of the notebook.</summary>
    App,
    /// <summary>
    /// <c>// %% [parameters]</c>: C# that runs in both forms and holds the settings a reader changes (the budget, the
    /// output folder); in the notebook it is tagged "parameters", so a runner can set other values in a cell after it.
    /// </summary>
    Parameters,
}

/// <summary>One cell as it appears in the notebook: its kind and its text (comment markers already removed).</summary>
public sealed record NotebookCell(CellKind Kind, string Text);

/// <summary>
/// One output of an executed code cell, as Jupyter stores it: a stream (<paramref name="Name"/> stdout or stderr,
/// one text) or display data (a text per MIME type).
/// </summary>
public sealed record NotebookOutput(string Kind, string? Name, IReadOnlyList<KeyValuePair<string, string>> Data)
{
    public const string Stream = "stream";
    public const string Display = "display_data";
}
