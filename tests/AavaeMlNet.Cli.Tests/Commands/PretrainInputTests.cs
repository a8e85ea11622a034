using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Cli.Tests.Commands;

/// <summary>`pretrain` from the inputs other than --idx, as a process, each to a model that loads and embeds.</summary>
public sealed class PretrainInputTests : IDisposable
{
    private readonly string directory = TinyData.NewDirectory("pretrain-inputs");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Pretrain_from_a_manifest_trains_on_its_split_part_with_its_normalization()
    {
        string images = TinyData.WriteIdx(directory, 64, seed: 21);
        string manifest = TinyData.WriteManifest(directory, images, 64);

        var result = CliProcess.Succeed(directory, ["pretrain", "--manifest", manifest, "--data-dir", directory,
            "--split", "pretrain", .. PretrainedModel.TinyArguments, "--output", "out/m.zip"]);

        Assert.Contains("on 48 1x16x16 images (", result.Stdout); // the 48 of the 48/16 split
        var header = Checkpoint.ReadHeader(Path.Combine(directory, "out", "checkpoints", Checkpoint.LatestFileName));
        Assert.Equal(3, header.StepsPerEpoch); // 48 images in batches of 16
        Assert.Equal([0.5f], header.Augmentation.Normalization.Mean);
        Assert.Equal([0.25f], header.Augmentation.Normalization.Std);
        AssertEmbeds(Path.Combine(directory, "out", "m.zip"), new IdxSource(images).ToDataView(), 64);
    }

    [Fact]
    public void Pretrain_from_an_image_folder_resizes_to_the_size_and_channels_asked()
    {
        string folder = TinyData.WritePngFolder(directory, perClass: 4);

        var result = CliProcess.Succeed(directory, ["pretrain", "--folder", folder, "--size", "12", "--channels", "1",
            .. PretrainedModel.TinyArguments, "--output", "m.zip"]);

        Assert.Contains("on 16 1x12x12 images (", result.Stdout);
        var header = Checkpoint.ReadHeader(Path.Combine(directory, "encoder.ckpt"));
        Assert.Equal((1, 12, 12), (header.Config.Channels, header.Config.Height, header.Config.Width));
        var source = new ImageFolderSource(folder, new ImageFolderOptions { Width = 12, Height = 12, Channels = 1 });
        AssertEmbeds(Path.Combine(directory, "m.zip"), source.ToDataView(), 16);
    }

    [Fact]
    public void Pretrain_from_a_folder_of_grayscale_files_trains_one_channel_unless_told_three()
    {
        string folder = TinyData.WritePngFolder(directory, perClass: 4);
        string[] args = ["pretrain", "--folder", folder, "--size", "12", .. PretrainedModel.TinyArguments];

        var detected = CliProcess.Succeed(directory, [.. args, "--output", "gray/m.zip"]);
        var told = CliProcess.Succeed(directory, [.. args, "--channels", "3", "--output", "rgb/m.zip"]);

        Assert.Contains("Channels 1: the first 64 images of the folder are grayscale", detected.Stdout);
        Assert.DoesNotContain("Channels 1:", told.Stdout);
        Assert.Equal(1, Checkpoint.ReadHeader(Path.Combine(directory, "gray", "encoder.ckpt")).Config.Channels);
        Assert.Equal(3, Checkpoint.ReadHeader(Path.Combine(directory, "rgb", "encoder.ckpt")).Config.Channels);
        CliProcess.AssertUserError(CliProcess.Run(directory, [.. args, "--channels", "2", "--output", "x.zip"]),
            "--channels 2: expected 1 or 3.");
    }

    [Fact]
    public void A_folder_with_one_colour_image_among_the_first_is_read_as_colour()
    {
        string folder = TinyData.WritePngFolder(directory, perClass: 4);
        var bgra = new byte[TinyData.Side * TinyData.Side * 4];
        for (int p = 0; p < bgra.Length; p += 4) (bgra[p], bgra[p + 1], bgra[p + 2], bgra[p + 3]) = (200, 10, 10, 255);
        using (var image = Microsoft.ML.Data.MLImage.CreateFromPixels(TinyData.Side, TinyData.Side,
                   Microsoft.ML.Data.MLPixelFormat.Bgra32, bgra))
            image.Save(Path.Combine(folder, "class3", "img999.png"));

        var source = new ImageFolderSource(folder, new ImageFolderOptions { Width = 12, Height = 12, Channels = 1 });

        Assert.False(source.FirstImagesAreGrayscale());
        Assert.True(source.FirstImagesAreGrayscale(sample: 15)); // the colour file is the 16th
    }

    private static void AssertEmbeds(string modelPath, IDataView images, int count)
    {
        var embeddings = new MLContext(0).Model.Load(modelPath, out _).Transform(images)
            .GetColumn<float[]>("Embedding").ToList();
        Assert.Equal(count, embeddings.Count);
        Assert.All(embeddings, e => Assert.True(e.Length == TinyData.EmbeddingSize && e.All(float.IsFinite)));
        Assert.NotEqual(embeddings[0], embeddings[1]); // images of two classes embed apart
    }
}
