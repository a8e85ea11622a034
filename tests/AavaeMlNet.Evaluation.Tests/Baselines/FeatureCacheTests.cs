using AavaeMlNet.Evaluation.Baselines;
using AavaeMlNet.Evaluation.Embeddings;

namespace AavaeMlNet.Evaluation.Tests.Baselines;

public sealed class FeatureCacheTests : IDisposable
{
    private static readonly (int, int, int) Shape = (1, 2, 2);
    private readonly TestDirectory directory = new("feature-cache");
    private readonly List<string> log = [];

    public void Dispose() => directory.Dispose();

    /// <summary>A featurizer that sums each image's pixels into two features and counts its calls.</summary>
    private sealed class CountingFeaturizer(string fingerprint = "sums v1") : BaselineFeaturizer
    {
        public int Calls { get; private set; }
        public override string Id => "sums";
        public override string Name => "pixel sums";
        public override long ModelBytes => 0;
        public override string Fingerprint => fingerprint;
        public override bool IsWorthCaching => true;
        public override int Dimension((int Channels, int Height, int Width) shape) => 2;

        public override EmbeddingMatrix Featurize(ReadOnlyMemory<float> pixels, int count,
            (int Channels, int Height, int Width) shape, CancellationToken cancellationToken = default)
        {
            Calls++;
            var values = new float[count * 2];
            for (int i = 0; i < count; i++)
            {
                var image = pixels.Span.Slice(i * 4, 4);
                values[2 * i] = image[0] + image[1] + image[2] + image[3];
                values[2 * i + 1] = -values[2 * i];
            }
            return new EmbeddingMatrix(values, count, 2);
        }
    }

    private static readonly float[] Pixels = [0.1f, 0.2f, 0.3f, 0.4f, 1f, 1f, 0f, 0f];

    private FeatureCache Cache => new(directory.Path);

    [Fact]
    public void A_second_run_reads_the_features_it_stored()
    {
        var featurizer = new CountingFeaturizer();

        var first = Cache.GetOrCompute(featurizer, Pixels, 2, Shape, log.Add);
        var second = Cache.GetOrCompute(featurizer, Pixels, 2, Shape, log.Add);

        Assert.Equal(1, featurizer.Calls);
        Assert.Equal([1f, -1f, 2f, -2f], second.Values.ToArray());
        Assert.Equal(first.Values.ToArray(), second.Values.ToArray());
        Assert.Contains("read from", log[1]);
        Assert.Equal([Path.GetFileName(Cache.PathOf(featurizer, Pixels, Shape))],
            Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Other_pixels_or_another_featurizer_compute_anew()
    {
        var featurizer = new CountingFeaturizer();
        Cache.GetOrCompute(featurizer, Pixels, 2, Shape);

        float[] changed = [.. Pixels];
        changed[7] = 0.5f;
        var fromChanged = Cache.GetOrCompute(featurizer, changed, 2, Shape);
        var newModel = new CountingFeaturizer("sums v2");
        Cache.GetOrCompute(newModel, Pixels, 2, Shape);
        var firstImageOnly = Cache.GetOrCompute(featurizer, Pixels, 1, Shape);

        Assert.Equal(3, featurizer.Calls);
        Assert.Equal(1, newModel.Calls);
        Assert.Equal(2.5f, fromChanged.Values[2]);
        Assert.Equal(1, firstImageOnly.Count);
        Assert.Equal(4, Directory.GetFiles(directory.Path).Length);
    }

    [Fact]
    public void A_half_written_file_is_ignored_and_written_anew()
    {
        var featurizer = new CountingFeaturizer();
        string path = Cache.PathOf(featurizer, Pixels, Shape);
        Cache.GetOrCompute(featurizer, Pixels, 2, Shape);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length - 10)]);

        var features = Cache.GetOrCompute(featurizer, Pixels, 2, Shape, log.Add);

        Assert.Equal(2, featurizer.Calls);
        Assert.Equal([1f, -1f, 2f, -2f], features.Values.ToArray());
        Assert.Contains(
            $"ignoring the cache file {path} ({whole.Length - 10:N0} bytes where {whole.Length:N0}", log[0]);
        Assert.Equal(whole, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_changed_feature_fails_the_checksum()
    {
        var featurizer = new CountingFeaturizer();
        string path = Cache.PathOf(featurizer, Pixels, Shape);
        Cache.GetOrCompute(featurizer, Pixels, 2, Shape);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[48] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var features = Cache.GetOrCompute(featurizer, Pixels, 2, Shape, log.Add);

        Assert.Equal(2, featurizer.Calls);
        Assert.Equal(1f, features.Values[0]);
        Assert.Contains("its checksum does not match", log[0]);
    }

    [Fact]
    public void Raw_pixels_are_never_cached()
    {
        var features = Cache.GetOrCompute(RawPixels.Instance, Pixels, 2, Shape);

        Assert.Equal(Pixels, features.Values.ToArray());
        Assert.False(Directory.Exists(directory.Path) && Directory.GetFiles(directory.Path).Length > 0);
    }

    [Fact]
    public void TryGet_reads_what_is_stored_and_computes_nothing()
    {
        var featurizer = new CountingFeaturizer();
        Assert.False(Cache.TryGet(featurizer, Pixels, 2, Shape, out _));
        Cache.GetOrCompute(featurizer, Pixels, 2, Shape);

        Assert.True(Cache.TryGet(featurizer, Pixels, 2, Shape, out var stored));
        Assert.False(Cache.TryGet(featurizer, Pixels, 1, Shape, out _));
        File.WriteAllBytes(Cache.PathOf(featurizer, Pixels, Shape), [1, 2, 3]);
        Assert.False(Cache.TryGet(featurizer, Pixels, 2, Shape, out _));

        Assert.Equal([1f, -1f, 2f, -2f], stored.Values.ToArray());
        Assert.Equal(1, featurizer.Calls);
    }
}
