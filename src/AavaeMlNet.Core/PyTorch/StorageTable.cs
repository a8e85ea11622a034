using System.IO.Compression;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace AavaeMlNet.PyTorch;

/// <summary>The storages of a torch.save archive (records NAME/data/KEY), read once each as flat CPU tensors.</summary>
internal sealed class StorageTable(ZipArchive archive, string prefix, string source) : IDisposable
{
    private readonly Dictionary<string, Tensor> storages = [];

    /// <summary>The storage <paramref name="key"/> as a 1-D tensor of <paramref name="count"/> elements.</summary>
    public Tensor Get(string key, ScalarType dtype, long count)
    {
        if (storages.TryGetValue(key, out var known)) return known;
        var entry = archive.GetEntry($"{prefix}data/{key}")
            ?? throw new InvalidDataException(
                $"'{source}' refers to storage record '{key}', which it does not contain.");
        long size = count * ElementSize(dtype);
        if (entry.Length != size)
            throw new InvalidDataException(
                $"'{source}': storage record '{key}' has {entry.Length} bytes, " +
                $"but {count} {dtype} values need {size}.");
        var bytes = new byte[size];
        using (var stream = entry.Open()) stream.ReadExactly(bytes);
        var storage = dtype switch
        {
            ScalarType.Float32 => tensor(MemoryMarshal.Cast<byte, float>(bytes).ToArray()),
            ScalarType.Float64 => tensor(MemoryMarshal.Cast<byte, double>(bytes).ToArray()),
            ScalarType.Int64 => tensor(MemoryMarshal.Cast<byte, long>(bytes).ToArray()),
            ScalarType.Int32 => tensor(MemoryMarshal.Cast<byte, int>(bytes).ToArray()),
            ScalarType.Byte => tensor(bytes),
            ScalarType.Bool => tensor(bytes).to(ScalarType.Bool),
            _ => throw new InvalidDataException($"'{source}': {dtype} storages are not supported."),
        };
        storages[key] = storage;
        return storage;
    }

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        _ => 1,
    };

    public void Dispose()
    {
        foreach (var storage in storages.Values) storage.Dispose();
        storages.Clear();
    }
}
