namespace AavaeMlNet.Notebooks.Generator;

/// <summary>The notebooks of a folder: every NAME.cs with cell markers, and the NAME.ipynb generated from it.</summary>
public static class NotebookSet
{
    /// <summary>The notebooks folder of the repository this tool was built in (from its build output folder).</summary>
    public static string DefaultDirectory =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    /// <summary>The source files (NAME.cs directly in <paramref name="notebooksDirectory"/>), in name order.</summary>
    public static IReadOnlyList<string> Sources(string notebooksDirectory) =>
        Directory.GetFiles(notebooksDirectory, "*.cs").Order(StringComparer.Ordinal).ToList();

    /// <summary>The notebook path that belongs to <paramref name="sourcePath"/>.</summary>
    public static string NotebookPath(string sourcePath) => Path.ChangeExtension(sourcePath, ".ipynb");

    /// <summary>
    /// The notebook JSON generated from the source file at <paramref name="sourcePath"/>, with the outputs of an
    /// executed run when given.
    /// </summary>
    public static string Generate(string sourcePath, IReadOnlyList<IReadOnlyList<NotebookOutput>>? outputs = null)
    {
        string name = Path.GetFileName(sourcePath);
        return IpynbWriter.Write(Cells(sourcePath), name, outputs);
    }

    /// <summary>The cells of the source file at <paramref name="sourcePath"/>.</summary>
    public static IReadOnlyList<NotebookCell> Cells(string sourcePath) =>
        NotebookSource.Parse(File.ReadAllText(sourcePath), Path.GetFileName(sourcePath));

    /// <summary>
    /// Whether the committed notebook of <paramref name="sourcePath"/> is exactly what the generator writes from the
    /// source, with the outputs it holds (those of the run that executed it).
    /// </summary>
    public static bool IsUpToDate(string sourcePath)
    {
        string notebook = NotebookPath(sourcePath);
        if (!File.Exists(notebook)) return false;
        string committed = File.ReadAllText(notebook);
        return committed == Generate(sourcePath, IpynbWriter.ReadOutputs(committed));
    }
}
