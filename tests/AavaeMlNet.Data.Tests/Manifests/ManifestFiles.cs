namespace AavaeMlNet.Data.Tests.Manifests;

/// <summary>Finds the repository's data-manifests/ folder from the test binary's location.</summary>
public static class ManifestFiles
{
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = System.IO.Path.Combine(dir.FullName, "data-manifests");
                if (File.Exists(System.IO.Path.Combine(candidate, "manifest.schema.json")))
                {
                    return candidate;
                }
            }
            throw new DirectoryNotFoundException("data-manifests/ not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Path(string name) => System.IO.Path.Combine(Directory, name);
}
