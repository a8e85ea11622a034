using System.Text.Json;
using AavaeMlNet.Data.Manifests;

namespace AavaeMlNet.Data.Tests.Manifests;

public class DatasetManifestTests
{
    public static TheoryData<string> Names => ["cifar10", "stl10", "fashion-mnist"];

    [Theory]
    [MemberData(nameof(Names))]
    public void Manifest_is_valid_against_the_json_schema(string name)
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(ManifestFiles.Path("manifest.schema.json")));
        using var manifest = JsonDocument.Parse(File.ReadAllText(ManifestFiles.Path(name + ".json")));

        Assert.Empty(JsonSchemaSubsetValidator.Validate(schema.RootElement, manifest.RootElement));
    }

    [Fact]
    public void The_schema_allows_exactly_the_formats_and_presets_the_reader_accepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(ManifestFiles.Path("manifest.schema.json")));
        var properties = schema.RootElement.GetProperty("properties");
        string[] Enum(JsonElement property) =>
            property.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToArray();
        Assert.Equal(DatasetManifest.AugmentationPresets, Enum(properties.GetProperty("augmentationPreset")));
        Assert.Equal(DatasetManifest.Formats, Enum(properties.GetProperty("format")));
    }

    [Fact]
    public void Schema_validator_catches_a_bad_checksum_and_an_unknown_field()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(ManifestFiles.Path("manifest.schema.json")));
        string json = File.ReadAllText(ManifestFiles.Path("cifar10.json"))
            .Replace("\"md5\": \"c32a", "\"md5\": \"XYZ\", \"colour\": \"c32a");
        using var manifest = JsonDocument.Parse(json);

        var errors = JsonSchemaSubsetValidator.Validate(schema.RootElement, manifest.RootElement);

        Assert.Contains(errors, e => e.Contains("$.downloads[0].md5"));
        Assert.Contains(errors, e => e.Contains("unexpected property 'colour'"));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Manifest_file_and_built_in_copy_load_identically(string name)
    {
        var fromFile = DatasetManifest.Load(ManifestFiles.Path(name + ".json"));
        var builtIn = DatasetManifest.LoadBuiltIn(name);

        Assert.Equal(name, fromFile.Name);
        Assert.Equal(fromFile.Files.Select(f => f.Path), builtIn.Files.Select(f => f.Path));
        Assert.Equal(10, fromFile.ClassNames.Count);
        Assert.Equal(fromFile.Image.Channels, fromFile.Normalization.Mean.Count);
    }

    [Fact]
    public void Cifar10_manifest_carries_the_paper_constants_and_splits()
    {
        var m = DatasetManifest.LoadBuiltIn("cifar10");

        Assert.Equal([0.4914f, 0.4822f, 0.4465f], m.Normalization.Mean);
        Assert.Equal([0.2470f, 0.2435f, 0.2616f], m.Normalization.Std);
        Assert.Equal("cifar10", m.AugmentationPreset);
        Assert.Equal(30730000, m.Files[0].Size);
        var (subset, pretrain) = m.GetSplitPart("pretrain");
        var (_, validation) = m.GetSplitPart("validation");
        Assert.Equal("train", subset.Name);
        Assert.Equal(45000, pretrain.Length);
        Assert.Equal(5000, validation.Length);
        Assert.Empty(pretrain.Intersect(validation));
        Assert.Equal(new[] { 4, 21, 26, 58, 62 }, validation[..5]); // pinned by an independent Python implementation
        Assert.Equal(Enumerable.Range(0, 10000), m.GetSplitPart("test").Indices);
    }

    [Fact]
    public void Stl10_and_fashion_mnist_splits_have_the_paper_sizes()
    {
        var stl = DatasetManifest.LoadBuiltIn("stl10");
        Assert.Equal(95000, stl.GetSplitPart("pretrain").Indices.Length);
        Assert.Equal(5000, stl.GetSplitPart("pretrain-validation").Indices.Length);
        Assert.Equal(4500, stl.GetSplitPart("probe-train").Indices.Length);
        Assert.Equal(500, stl.GetSplitPart("probe-validation").Indices.Length);
        Assert.Equal(8000, stl.GetSplitPart("test").Indices.Length);

        var fashion = DatasetManifest.LoadBuiltIn("fashion-mnist");
        Assert.Equal(55000, fashion.GetSplitPart("pretrain").Indices.Length);
        Assert.Equal(5000, fashion.GetSplitPart("validation").Indices.Length);
        Assert.Equal(47040016, fashion.Files[0].Payload!.Size);
        Assert.Equal("grayscale", fashion.AugmentationPreset);
    }

    [Fact]
    public void Invalid_fields_are_all_listed_with_file_and_field_names()
    {
        using var dir = new TestDirectory();
        string json = File.ReadAllText(ManifestFiles.Path("cifar10.json"))
            .Replace("\"md5\": \"c32a1d4ab5d03f1284b67883e8d87530\"", "\"md5\": \"C32A\"")
            .Replace("\"augmentationPreset\": \"cifar10\"", "\"augmentationPreset\": \"imagenet\"")
            .Replace("\"count\": 5000 }", "\"count\": 9000 }");
        File.WriteAllText(dir.File("bad.json"), json);

        var ex = Assert.Throws<InvalidDataException>(() => DatasetManifest.Load(dir.File("bad.json")));

        Assert.Contains(dir.File("bad.json"), ex.Message);
        Assert.Contains("'$.downloads[0].md5'", ex.Message);
        Assert.Contains("'$.augmentationPreset'", ex.Message);
        Assert.Contains("'$.splits[0].parts'", ex.Message);
    }

    [Fact]
    public void Missing_required_field_names_the_file()
    {
        using var dir = new TestDirectory();
        File.WriteAllText(dir.File("m.json"), "{ \"name\": \"x\" }");

        var ex = Assert.Throws<InvalidDataException>(() => DatasetManifest.Load(dir.File("m.json")));

        Assert.Contains(dir.File("m.json"), ex.Message);
        Assert.Contains("format", ex.Message);
    }

    [Fact]
    public void Wrong_type_names_the_field_path()
    {
        string json = File.ReadAllText(ManifestFiles.Path("cifar10.json"))
            .Replace("\"size\": 30730000", "\"size\": \"big\"");

        var ex = Assert.Throws<InvalidDataException>(() => DatasetManifest.Parse(json, "cifar10.json"));

        Assert.Contains("'$.files[0].size'", ex.Message);
    }
}
