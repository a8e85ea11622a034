using System.Text.Json;

namespace AavaeMlNet.Cli.Tests.Commands;

[Collection(PretrainedModelCollection.Name)]
public class InspectCommandTests(PretrainedModel model)
{
    private static void AssertWritten(string directory, string name)
    {
        Assert.Equal(PngSignature.Bytes[..4], File.ReadAllBytes(Path.Combine(directory, name + ".png"))[..4]);
        Assert.True(File.Exists(Path.Combine(directory, name + ".md")));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
    }

    [Fact]
    public void Similarity_writes_the_view_matrix_with_its_block_contrast()
    {
        string directory = TinyData.NewDirectory("inspect-similarity");
        CliProcess.Succeed(directory, "inspect", "similarity", "--checkpoint", model.CheckpointPath,
            "--input", model.TestImages, "--images", "5", "--views", "3", "--output", "out");

        string output = Path.Combine(directory, "out");
        AssertWritten(output, "similarity");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "similarity.json")));
        Assert.Equal(15, json.RootElement.GetProperty("matrix").GetArrayLength());
        Assert.Equal(1.0, json.RootElement.GetProperty("matrix")[0][0].GetDouble(), 4);
        Assert.True(json.RootElement.GetProperty("blockContrast").TryGetProperty("Contrast", out _));
    }

    [Fact]
    public void Reconstructions_and_map_write_their_png_json_and_markdown()
    {
        string directory = TinyData.NewDirectory("inspect-other");
        CliProcess.Succeed(directory, "inspect", "reconstructions", "--model", model.ModelPath,
            "--input", model.TestImages, "--images", "4", "--output", ".");
        CliProcess.Succeed(directory, "inspect", "map", "--model", model.ModelPath,
            "--input", model.TestImages, "--output", ".");

        AssertWritten(directory, "reconstructions");
        AssertWritten(directory, "map");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "map.json")));
        Assert.Equal(32, json.RootElement.GetProperty("coordinates").GetArrayLength());
    }
}
