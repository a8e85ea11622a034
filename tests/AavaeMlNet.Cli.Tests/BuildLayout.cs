namespace AavaeMlNet.Cli.Tests;

/// <summary>Where this test assembly was built: its configuration and the repository around it.</summary>
public static class BuildLayout
{
    /// <summary>Release or Debug: the folder above net10.0 in this assembly's output path.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The repository root.</summary>
    public static string RepositoryRoot => TestSupport.RepositoryRoot.Path;

    /// <summary>
    /// <paramref name="file"/> in the output of the project in <paramref name="projectDirectory"/> (relative to the
    /// root), built in this assembly's configuration; a clear error when it is not built.
    /// </summary>
    public static string Output(string projectDirectory, string file)
    {
        string path = Path.Combine(RepositoryRoot, projectDirectory, "bin", Configuration, "net10.0", file);
        if (!File.Exists(path)) throw new FileNotFoundException($"{file} is not built at {path}.", path);
        return path;
    }
}
