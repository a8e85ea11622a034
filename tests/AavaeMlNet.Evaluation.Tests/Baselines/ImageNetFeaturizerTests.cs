using AavaeMlNet.Evaluation.Baselines;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Probes;

namespace AavaeMlNet.Evaluation.Tests.Baselines;

/// <summary>ML.NET's ImageNet ResNet-18 featurizer through its real package, on a handful of 28 x 28 images.</summary>
public sealed class ImageNetFeaturizerTests : IDisposable
{
    private const int Side = 28;
    private static readonly (int, int, int) Gray = (1, Side, Side);
    private readonly ImageNetFeaturizer featurizer = new(ImageNetModel.ResNet18);

    public void Dispose() => featurizer.Dispose();

    // A bright square on black whose corner and size vary; class 0 squares sit top-left, class 1 bottom-right.
    private static float[] Square(int label, int variant)
    {
        var image = new float[Side * Side];
        int size = 8 + variant % 3;
        int origin = label == 0 ? 2 + variant % 2 : Side - size - 2 - variant % 2;
        for (int y = origin; y < origin + size; y++)
            for (int x = origin; x < origin + size; x++)
                image[y * Side + x] = 1f;
        return image;
    }

    [Fact]
    public void Gives_512_features_per_image_in_the_order_of_the_images()
    {
        float[] a = Square(0, 0), b = Square(1, 1);
        var forward = featurizer.Featurize((float[])[.. a, .. b], 2, Gray);
        var backward = featurizer.Featurize((float[])[.. b, .. a], 2, Gray);

        Assert.Equal((2, 512), (forward.Count, forward.Dimension));
        Assert.All(forward.Values.ToArray(), value => Assert.True(float.IsFinite(value)));
        Assert.Equal(forward.Row(0).ToArray(), backward.Row(1).ToArray());
        Assert.Equal(forward.Row(1).ToArray(), backward.Row(0).ToArray());
        Assert.NotEqual(forward.Row(0).ToArray(), forward.Row(1).ToArray());
    }

    [Fact]
    public void A_gray_image_gives_the_features_of_the_same_image_in_three_equal_channels()
    {
        float[] gray = Square(0, 2);
        var fromGray = featurizer.Featurize(gray, 1, Gray);
        var fromRgb = featurizer.Featurize((float[])[.. gray, .. gray, .. gray], 1, (3, Side, Side));

        Assert.Equal(fromGray.Row(0).ToArray(), fromRgb.Row(0).ToArray());
    }

    [Fact]
    public void Its_features_feed_the_linear_probe()
    {
        var train = Enumerable.Range(0, 8).Select(i => (Image: Square(i % 2, i / 2), Label: i % 2)).ToList();
        var test = Enumerable.Range(0, 4).Select(i => (Image: Square(i % 2, 3 + i), Label: i % 2)).ToList();
        EmbeddingMatrix Features(IEnumerable<float[]> images) =>
            featurizer.Featurize(images.SelectMany(image => image).ToArray(), images.Count(), Gray);

        var result = LinearProbe.TrainAndEvaluate(Features(train.Select(t => t.Image)), [.. train.Select(t => t.Label)],
            Features(test.Select(t => t.Image)), [.. test.Select(t => t.Label)], new LinearProbe.Options());

        Assert.Equal(1.0, result.Accuracy);
    }

    [Fact]
    public void Missing_model_files_name_the_package_to_add()
    {
        using var empty = new TestDirectory("no-dnn-models");
        using var orphan = new ImageNetFeaturizer(ImageNetModel.ResNet18, empty.Path);

        var error = Assert.Throws<FileNotFoundException>(() => orphan.Featurize(Square(0, 0), 1, Gray));

        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18", error.Message);
        Assert.Contains(Path.Combine(empty.Path, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), error.Message);
    }

    [Fact]
    public void Model_bytes_count_the_network_and_its_preprocessing()
    {
        long expected = ImageNetModel.ResNet18.Files
            .Sum(file => new FileInfo(Path.Combine(AppContext.BaseDirectory, "DnnImageModels", file)).Length);

        Assert.Equal(expected, featurizer.ModelBytes);
        Assert.True(featurizer.ModelBytes > 40_000_000, $"{featurizer.ModelBytes} bytes");
    }

    [Fact]
    public void An_unknown_baseline_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => BaselineFeaturizer.Create("imagenet-resnet50"));

        Assert.Contains("Unknown baseline 'imagenet-resnet50'; expected one of raw, imagenet-resnet18", error.Message);
        Assert.Same(RawPixels.Instance, BaselineFeaturizer.Create("raw"));
    }
}
