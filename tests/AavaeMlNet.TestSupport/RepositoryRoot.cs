namespace AavaeMlNet.TestSupport;

/// <summary>The repository's root folder (the one holding AavaeMlNet.sln), found above the test assembly.</summary>
public static class RepositoryRoot
{
    /// <summary>The root's full path.</summary>
    public static string Path { get; } = Find();

    /// <summary><paramref name="parts"/> joined under the root.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory);
             directory is not null;
             directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "AavaeMlNet.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No AavaeMlNet.sln above '{AppContext.BaseDirectory}'.");
    }
}
