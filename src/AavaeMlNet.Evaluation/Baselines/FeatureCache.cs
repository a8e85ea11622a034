using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Io;

namespace AavaeMlNet.Evaluation.Baselines;

/// <summary>
/// Baseline features kept on disk, so a machine computes them once (ML.NET's ImageNet featurizer embeds about 25
/// images/s on two cores). A file's name carries a SHA-256 of the featurizer's
/// <see cref="BaselineFeaturizer.Fingerprint"/>, the image shape and every pixel, so other data or another featurizer
/// never reads it. Files are written atomically and end with a SHA-256 of their features; a file that does not check
/// out is ignored and written anew.
/// </summary>
/// <param name="directory">The folder of the cache files (created on the first write).</param>
public sealed class FeatureCache(string directory)
{
    private static readonly byte[] Magic = "AAVAEFC1"u8.ToArray();
    private const int HeaderBytes = 8 + 4 + 4 + 32;
    private const int HashBytes = 32;

    /// <summary>The folder of the cache files.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The per-user default: $XDG_CACHE_HOME/aavae/features, else ~/.cache/aavae/features.</summary>
    public static string DefaultDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "aavae", "features");

    /// <summary>
    /// The features of <paramref name="count"/> images (CHW in [0, 1]) from the cache, or computed by
    /// <paramref name="featurizer"/> and stored; featurizers not worth caching always compute.
    /// </summary>
    /// <remarks><paramref name="log"/> receives one line: the features were read, computed or recomputed.</remarks>
    public EmbeddingMatrix GetOrCompute(BaselineFeaturizer featurizer, ReadOnlyMemory<float> pixels, int count,
        (int Channels, int Height, int Width) shape, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        if (!featurizer.IsWorthCaching) return featurizer.Featurize(pixels, count, shape, cancellationToken);
        byte[] key = Key(featurizer, pixels.Span[..(count * shape.Channels * shape.Height * shape.Width)], shape);
        string path = PathOf(featurizer, key);
        if (File.Exists(path))
        {
            if (TryRead(path, key, count, featurizer.Dimension(shape), out var cached, out string? problem))
            {
                log?.Invoke($"{featurizer.Name}: features of {count:N0} images read from {path}.");
                return cached;
            }
            log?.Invoke($"{featurizer.Name}: ignoring the cache file {path} ({problem}); computing the features anew.");
        }
        else
        {
            log?.Invoke($"{featurizer.Name}: computing the features of {count:N0} images (cached in {path})...");
        }
        var features = featurizer.Featurize(pixels, count, shape, cancellationToken);
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.Write(path, stream => Write(stream, key, features));
        return features;
    }

    /// <summary>
    /// The features of exactly these images when the cache holds them (a file that does not check out counts as
    /// absent); nothing is computed. Lets a job take the rows of a subset from the features of its whole file.
    /// </summary>
    public bool TryGet(BaselineFeaturizer featurizer, ReadOnlyMemory<float> pixels, int count,
        (int Channels, int Height, int Width) shape, out EmbeddingMatrix features)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        features = null!;
        byte[] key = Key(featurizer, pixels.Span[..(count * shape.Channels * shape.Height * shape.Width)], shape);
        string path = PathOf(featurizer, key);
        return File.Exists(path) && TryRead(path, key, count, featurizer.Dimension(shape), out features, out _);
    }

    /// <summary>The file that holds the features of these pixels under this featurizer.</summary>
    public string PathOf(BaselineFeaturizer featurizer, ReadOnlySpan<float> pixels,
        (int Channels, int Height, int Width) shape) =>
        PathOf(featurizer, Key(featurizer, pixels, shape));

    private string PathOf(BaselineFeaturizer featurizer, byte[] key) =>
        Path.Combine(Directory, $"{featurizer.Id}-{Convert.ToHexStringLower(key)[..20]}.features");

    private static byte[] Key(BaselineFeaturizer featurizer, ReadOnlySpan<float> pixels,
        (int Channels, int Height, int Width) shape)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(
            $"{featurizer.Fingerprint}\n{shape.Channels}x{shape.Height}x{shape.Width}\n"));
        sha.AppendData(MemoryMarshal.AsBytes(pixels));
        return sha.GetHashAndReset();
    }

    private static void Write(Stream stream, byte[] key, EmbeddingMatrix features)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], features.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], features.Dimension);
        key.CopyTo(header[16..]);
        stream.Write(header);
        var values = MemoryMarshal.AsBytes(features.Values);
        stream.Write(values);
        stream.Write(SHA256.HashData(values));
    }

    private static bool TryRead(string path, byte[] key, int count, int dimension, out EmbeddingMatrix features,
        out string? problem)
    {
        features = null!;
        byte[] bytes = File.ReadAllBytes(path);
        long expected = HeaderBytes + (long)count * dimension * sizeof(float) + HashBytes;
        problem = bytes.Length != expected ? $"{bytes.Length:N0} bytes where {expected:N0} were expected"
            : !bytes.AsSpan(0, 8).SequenceEqual(Magic) ? "not a feature cache file"
            : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) != count
              || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) != dimension ? "another shape"
            : !bytes.AsSpan(16, 32).SequenceEqual(key) ? "written for other images or another featurizer"
            : !SHA256.HashData(bytes.AsSpan(HeaderBytes, (int)(expected - HeaderBytes - HashBytes)))
                .AsSpan().SequenceEqual(bytes.AsSpan((int)(expected - HashBytes))) ? "its checksum does not match"
            : null;
        if (problem is not null) return false;
        var values = new float[(long)count * dimension];
        bytes.AsSpan(HeaderBytes, values.Length * sizeof(float)).CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        features = new EmbeddingMatrix(values, count, dimension);
        return true;
    }
}
