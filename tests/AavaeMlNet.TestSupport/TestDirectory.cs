namespace AavaeMlNet.TestSupport;

/// <summary>
/// A fresh directory under the system temp folder (aavae-tests/NAME-GUID), deleted on dispose. Tests that hand a
/// directory to a child process or to a fixture shared across tests take <see cref="New"/>, which is not deleted.
/// </summary>
public sealed class TestDirectory : IDisposable
{
    public TestDirectory(string name = "test") => Path = New(name);

    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Creates a fresh directory aavae-tests/NAME-GUID under the temp folder and returns its path.</summary>
    public static string New(string name)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aavae-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A test that left a read-only folder or an open file behind: the temp folder is cleaned by the system.
        }
    }
}
