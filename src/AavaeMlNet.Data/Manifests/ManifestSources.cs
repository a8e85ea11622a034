using AavaeMlNet.Data.Readers;

namespace AavaeMlNet.Data.Manifests;

/// <summary>
/// Opens the records of a manifest's subset ("train", "test") or split part ("pretrain") from a data directory.
/// </summary>
public static class ManifestSources
{
    /// <summary>A built-in manifest name (cifar10, stl10, fashion-mnist) or the path of a manifest JSON file.</summary>
    public static DatasetManifest Load(string nameOrPath) =>
        DatasetManifest.BuiltInNames.Contains(nameOrPath) ? DatasetManifest.LoadBuiltIn(nameOrPath)
        : File.Exists(nameOrPath) ? DatasetManifest.Load(nameOrPath)
        : throw new FileNotFoundException(
            $"Manifest '{nameOrPath}' is neither a built-in manifest " +
            $"({string.Join(", ", DatasetManifest.BuiltInNames)}) nor an existing file.", nameOrPath);

    /// <summary>
    /// The records of <paramref name="part"/>, a subset or split-part name of <paramref name="manifest"/>.
    /// </summary>
    public static ImageSource Open(DatasetManifest manifest, string directory, string part)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Data directory '{directory}' does not exist " +
                $"(fetch manifest '{manifest.Name}' into it first: DatasetFetcher.FetchAsync).");
        if (manifest.Subsets.FirstOrDefault(s => s.Name == part) is { } whole)
            return OpenSubset(manifest, directory, whole);
        var names = manifest.Subsets.Select(s => s.Name)
            .Concat(manifest.Splits.SelectMany(s => s.Parts).Select(p => p.Name));
        if (!names.Contains(part))
            throw new ArgumentException($"Manifest '{manifest.Name}' has no subset or split part '{part}'; " +
                $"expected one of {string.Join(", ", names)}.");
        var (subset, indices) = manifest.GetSplitPart(part);
        return OpenSubset(manifest, directory, subset).Subset(indices);
    }

    private static ImageSource OpenSubset(DatasetManifest manifest, string directory, ManifestSubset subset)
    {
        var files = subset.Files.Select(f => Locate(directory, f)).ToArray();
        var classNames = manifest.ClassNames;
        return manifest.Format switch
        {
            "idx" => new IdxSource(files[0], files.Length > 1 ? files[1] : null, classNames),
            "cifar10-binary" => new Cifar10BinarySource(files, classNames),
            "stl10-binary" => new Stl10BinarySource(files[0], files.Length > 1 ? files[1] : null, classNames),
            _ => throw new InvalidDataException(
                $"Manifest '{manifest.Name}' has format '{manifest.Format}', which the CLI cannot read."),
        };
    }

    // A .gz file may also be present decompressed under the name without .gz (the verifier accepts both).
    private static string Locate(string directory, string relative)
    {
        string path = Path.Combine(directory, relative);
        if (!File.Exists(path) && path.EndsWith(".gz", StringComparison.Ordinal) && File.Exists(path[..^3]))
            return path[..^3];
        return path;
    }
}
