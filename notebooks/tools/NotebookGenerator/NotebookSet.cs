namespace AavaeMlNet.Notebooks.Generator;

/// <summary>The notebooks of a folder: every NAME.cs with cell markers, and the NAME.ipynb generated from it.</summary>
public static class NotebookSet
{
    /// <summary>The source files (NAME.cs directly in <paramref name="notebooksDirectory"/>), in name order.</summary>
    public static IReadOnlyList<string> Sources(string notebooksDirectory) =>
        Directory.GetFiles(notebooksDirectory, "*.cs").Order(StringComparer.Ordinal).ToList();

    /// <summary>The notebook path that belongs to <paramref name="sourcePath"/>.</summary>
    public static string NotebookPath(string sourcePath) => Path.ChangeExtension(sourcePath, ".ipynb");

    /// <summary>The notebook JSON generated from the source file at <paramref name="sourcePath"/>.</summary>
    public static string Generate(string sourcePath)
    {
        string name = Path.GetFileName(sourcePath);
        return IpynbWriter.Write(NotebookSource.Parse(File.ReadAllText(sourcePath), name), name);
    }

    /// <summary>
    /// Whether the committed notebook of <paramref name="sourcePath"/> is exactly what the generator writes.
    /// </summary>
    public static bool IsUpToDate(string sourcePath)
    {
        string notebook = NotebookPath(sourcePath);
        return File.Exists(notebook) && File.ReadAllText(notebook) == Generate(sourcePath);
    }
}
