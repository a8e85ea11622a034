using System.IO.Compression;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// Reads files written by <c>torch.save</c> (the zip format of PyTorch 1.6 and later: <c>NAME/data.pkl</c> plus one
/// raw little-endian record per storage under <c>NAME/data/</c>) without running any pickled code. Tensors become
/// CPU TorchSharp tensors; dicts come back as OrderedDictionary&lt;object, object?&gt;, lists as List&lt;object?&gt;,
/// tuples as object?[]. Allowed globals: collections.OrderedDict, torch._utils._rebuild_tensor_v2 and
/// _rebuild_parameter, torch.*Storage, and Lightning's AttributeDict (a dict); Lightning callback classes may
/// appear as the keys of a checkpoint's "callbacks" state but are never constructed. Anything else is refused.
/// </summary>
public static class TorchFile
{
    /// <summary>Reads the object saved in <paramref name="path"/>. The caller disposes the tensors in it.</summary>
    public static object? Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The PyTorch file '{path}' does not exist.", path);
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            throw new InvalidDataException(
                $"'{path}' is not in torch.save's zip format (PyTorch 1.6 or later). Files from older versions or " +
                "with _use_new_zipfile_serialization=False can be converted in Python: torch.save(torch.load(f), g).");
        }
        using (archive)
        {
            var pickle = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                    && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length)
                ?? throw new InvalidDataException($"'{path}' is a zip file but holds no torch.save data.pkl record.");
            string prefix = pickle.FullName[..^"data.pkl".Length];
            if (archive.GetEntry(prefix + "byteorder") is { } order && ReadText(order).Trim() != "little")
                throw new InvalidDataException($"'{path}' stores big-endian tensors, which are not supported.");
            using var storages = new StorageTable(archive, prefix, path);
            using var stream = new MemoryStream();
            using (var pickled = pickle.Open()) pickled.CopyTo(stream);
            stream.Position = 0;
            return new RestrictedUnpickler(stream, new TorchPickleRules(storages, path), path).Load();
        }
    }

    /// <summary>
    /// Writes <paramref name="stateDict"/> as <c>torch.save</c> does (an OrderedDict of tensors, stored records under
    /// <paramref name="archiveName"/>/); <c>torch.load(path, weights_only=True)</c> reads it.
    /// </summary>
    public static void SaveStateDict(
        Stream destination, string archiveName, IReadOnlyList<(string Name, Tensor Value)> stateDict)
    {
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(zip, $"{archiveName}/data.pkl", TorchPickleWriter.StateDict(stateDict));
        WriteEntry(zip, $"{archiveName}/byteorder", "little"u8.ToArray());
        for (int i = 0; i < stateDict.Count; i++)
            WriteEntry(zip, $"{archiveName}/data/{i}", TensorBytes(stateDict[i].Value));
        WriteEntry(zip, $"{archiveName}/version", "3\n"u8.ToArray());
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }

    private static byte[] TensorBytes(Tensor value)
    {
        using var contiguous = value.cpu().contiguous();
        return contiguous.dtype switch
        {
            ScalarType.Float32 => MemoryMarshal.AsBytes(contiguous.data<float>().ToArray().AsSpan()).ToArray(),
            ScalarType.Int64 => MemoryMarshal.AsBytes(contiguous.data<long>().ToArray().AsSpan()).ToArray(),
            _ => throw new NotSupportedException($"Export of {contiguous.dtype} tensors is not supported."),
        };
    }

    private static string ReadText(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
