using AavaeMlNet.Data.Download;
using AavaeMlNet.Data.Locators;
using AavaeMlNet.Data.Manifests;
using AavaeMlNet.Data.Tests.Readers;

namespace AavaeMlNet.Data.Tests.Locators;

public class FashionMnistLocatorTests
{
    [Fact]
    public void Finds_gzipped_or_raw_files_in_a_given_directory_first()
    {
        using var dir = new TestDirectory();
        OfficialFormatWriter.WriteIdxImages(dir.File("train-images-idx3-ubyte.gz"), 2, 28, 28, true);
        OfficialFormatWriter.WriteIdxLabels(dir.File("train-labels-idx1-ubyte"), false, 9, 0);
        OfficialFormatWriter.WriteIdxImages(dir.File("t10k-images-idx3-ubyte.gz"), 1, 28, 28, true);
        OfficialFormatWriter.WriteIdxLabels(dir.File("t10k-labels-idx1-ubyte.gz"), true, 3);

        var files = FashionMnistLocator.Find(dir.Path);

        Assert.NotNull(files);
        Assert.Equal(dir.Path, files.Directory);
        Assert.Equal(dir.File("train-labels-idx1-ubyte"), files.TrainLabels);
        var train = files.OpenTrain();
        Assert.Equal("Ankle boot", train.Info.ClassNames[train.Read().First().Label]);
    }

    [Fact]
    public async Task Ensure_returns_files_already_present_without_installing_or_downloading()
    {
        using var dir = new TestDirectory();
        foreach (var stem in new[] { "train", "t10k" })
        {
            OfficialFormatWriter.WriteIdxImages(dir.File($"{stem}-images-idx3-ubyte.gz"), 1, 28, 28, true);
            OfficialFormatWriter.WriteIdxLabels(dir.File($"{stem}-labels-idx1-ubyte.gz"), true, 1);
        }
        var log = new List<string>();

        var files = await FashionMnistLocator.EnsureAsync(dir.Path, log.Add, allowAptInstall: false);

        Assert.Equal(dir.Path, files.Directory);
        Assert.Contains("found", Assert.Single(log));
    }

    [FashionMnistFact]
    public void Debian_package_data_reads_with_official_counts_and_verifies()
    {
        var files = FashionMnistLocator.FindIn(FashionMnistLocator.DebianDirectory)!;
        var train = files.OpenTrain();
        var test = files.OpenTest();

        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        Assert.Equal((1, 28, 28), (train.Info.Channels, train.Info.Height, train.Info.Width));
        var first = train.Read().Take(3).ToList();
        // The well-known first labels: Ankle boot, T-shirt/top, T-shirt/top.
        Assert.Equal(new[] { 9, 0, 0 }, first.Select(r => r.Label));
        Assert.All(first, r => Assert.Equal(784, r.PixelsChw.Length));
        Assert.Equal(9999, test.Subset([9999]).Read().Single().Index);
        Assert.True(DatasetVerifier.Verify(files.Directory, DatasetManifest.LoadBuiltIn("fashion-mnist")).IsValid);
    }
}
