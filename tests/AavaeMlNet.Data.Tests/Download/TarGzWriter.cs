using System.Formats.Tar;
using System.IO.Compression;

namespace AavaeMlNet.Data.Tests.Download;

/// <summary>Builds .tar.gz archives in memory, including malicious entries.</summary>
public static class TarGzWriter
{
    public static byte[] Create(params TarEntry[] entries)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }
        return memory.ToArray();
    }

    public static TarEntry FileEntry(string name, byte[] content) =>
        new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };

    public static TarEntry DirectoryEntry(string name) => new PaxTarEntry(TarEntryType.Directory, name);

    public static TarEntry SymbolicLink(string name, string target) =>
        new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target };

    public static TarEntry HardLink(string name, string target) =>
        new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target };
}
