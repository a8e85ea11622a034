namespace AavaeMlNet.Notebooks.Tests;

/// <summary>Where the repository and its notebooks are, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    public static string Root => RepositoryRoot.Path;

    public static string Notebooks => Path.Combine(Root, "notebooks");

    /// <summary>The notebook names (NAME of notebooks/NAME.cs), for theories.</summary>
    public static TheoryData<string> NotebookNames()
    {
        var data = new TheoryData<string>();
        foreach (var source in Directory.GetFiles(Notebooks, "*.cs").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(source));
        return data;
    }
}
