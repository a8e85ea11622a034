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
}

/// <summary>One cell as it appears in the notebook: its kind and its text (comment markers already removed).</summary>
public sealed record NotebookCell(CellKind Kind, string Text);
