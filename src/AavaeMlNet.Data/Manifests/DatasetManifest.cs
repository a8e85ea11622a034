using System.Text.Json;
using System.Text.Json.Serialization;
using AavaeMlNet.Data.Splits;

namespace AavaeMlNet.Data.Manifests;

/// <summary>
/// Everything the library knows about one data set: files and checksums, official downloads, class
/// names, subsets and seeded splits, normalization constants and the augmentation preset. Stored as
/// JSON in data-manifests/ (schema: manifest.schema.json) and embedded in this assembly.
/// </summary>
public sealed class DatasetManifest
{
    /// <summary>Reader formats a manifest may name.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["cifar10-binary", "stl10-binary", "idx"];

    /// <summary>Augmentation presets a manifest may name (the SimCLR pipelines of the paper, plus grayscale).</summary>
    public static IReadOnlyList<string> AugmentationPresets { get; } = ["cifar10", "stl10", "grayscale"];

    /// <summary>Names of the manifests embedded in this assembly.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["cifar10", "stl10", "fashion-mnist"];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Optional JSON Schema reference; ignored.</summary>
    [JsonPropertyName("$schema")]
    public string? SchemaReference { get; init; }

    /// <summary>Short identifier, e.g. "cifar10".</summary>
    public required string Name { get; init; }

    /// <summary>One-line description with the citation.</summary>
    public string? Description { get; init; }

    /// <summary>Reader format: one of <see cref="Formats"/>.</summary>
    public required string Format { get; init; }

    /// <summary>Image size.</summary>
    public required ManifestImageShape Image { get; init; }

    /// <summary>Class names in label order.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Official downloads.</summary>
    public IReadOnlyList<ManifestDownload> Downloads { get; init; } = [];

    /// <summary>Files the readers consume, checked by <see cref="Download.DatasetVerifier"/>.</summary>
    public required IReadOnlyList<ManifestFile> Files { get; init; }

    /// <summary>Record sets as the files hold them.</summary>
    public required IReadOnlyList<ManifestSubset> Subsets { get; init; }

    /// <summary>Seeded splits of the subsets.</summary>
    public required IReadOnlyList<ManifestSplit> Splits { get; init; }

    /// <summary>Per-channel normalization constants.</summary>
    public required ManifestNormalization Normalization { get; init; }

    /// <summary>Augmentation preset name: one of <see cref="AugmentationPresets"/>.</summary>
    public required string AugmentationPreset { get; init; }

    /// <summary>Loads and validates a manifest file.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed or a field is invalid; the message names the file
    /// and every bad field.</exception>
    public static DatasetManifest Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>
    /// Loads one of the <see cref="BuiltInNames"/> from this assembly's embedded copies of data-manifests/.
    /// </summary>
    public static DatasetManifest LoadBuiltIn(string name)
    {
        string resource = $"AavaeMlNet.Data.Manifests.{name}.json";
        using var stream = typeof(DatasetManifest).Assembly.GetManifestResourceStream(resource)
            ?? throw new ArgumentException(
                $"No built-in manifest named '{name}'; expected one of {string.Join(", ", BuiltInNames)}.",
                nameof(name));
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), $"{name}.json (built in)");
    }

    /// <summary>Parses and validates manifest JSON; <paramref name="sourceName"/> names it in errors.</summary>
    public static DatasetManifest Parse(string json, string sourceName)
    {
        DatasetManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DatasetManifest>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(
                $"Manifest '{sourceName}': field '{ex.Path ?? "$"}' is invalid: {ex.Message}", ex);
        }
        if (manifest is null)
        {
            throw new InvalidDataException($"Manifest '{sourceName}': expected a JSON object, got null.");
        }
        var errors = ManifestValidator.Validate(manifest);
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"Manifest '{sourceName}' is invalid:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", errors));
        }
        return manifest;
    }

    /// <summary>The subset a split part is drawn from and the part's ascending record positions in it.</summary>
    /// <param name="partName">A part name, e.g. "pretrain", "validation" or "test".</param>
    /// <exception cref="ArgumentException">No split part has that name.</exception>
    public (ManifestSubset Subset, int[] Indices) GetSplitPart(string partName)
    {
        foreach (var split in Splits)
        {
            int k = split.Parts.ToList().FindIndex(p => p.Name == partName);
            if (k >= 0)
            {
                var subset = Subsets.Single(s => s.Name == split.Subset);
                var parts = DatasetSplitter.Split(subset.Count, split.Seed, split.Parts.Select(p => p.Count).ToArray());
                return (subset, parts[k]);
            }
        }
        var partNames = Splits.SelectMany(s => s.Parts).Select(p => p.Name);
        throw new ArgumentException(
            $"Manifest '{Name}' has no split part '{partName}'; expected one of {string.Join(", ", partNames)}.",
            nameof(partName));
    }
}
