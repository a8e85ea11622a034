using AavaeMlNet.Data.Download;
using AavaeMlNet.Data.Tests.Readers;
using static AavaeMlNet.Data.Tests.Download.TarGzWriter;

namespace AavaeMlNet.Data.Tests.Download;

public class SafeArchiveExtractorTests
{
    [Fact]
    public void Extracts_files_folders_and_inner_links()
    {
        using var dir = new TestDirectory();
        File.WriteAllBytes(dir.File("a.tar.gz"), Create(
            DirectoryEntry("data/"),
            FileEntry("data/x.bin", [1, 2, 3]),
            SymbolicLink("data/link", "x.bin"),
            HardLink("data/copy", "data/x.bin")));
        string target = dir.File("out");

        var placed = SafeArchiveExtractor.ExtractTarGz(dir.File("a.tar.gz"), target);

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(target, "data/x.bin")));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(target, "data/link")));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(target, "data/copy")));
        Assert.Equal(3, placed.Count);
        Assert.Equal(new[] { "data" }, Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
    }

    public static TheoryData<string, string> Malicious => new()
    {
        { "absolute", "/tmp/evil.txt" },
        { "dotdot", "data/../../evil.txt" },
        { "symlink", "link -> ../../etc" },
        { "absolute-symlink", "link -> /etc/passwd" },
        { "hardlink", "hard => ../outside.txt" },
    };

    [Theory]
    [MemberData(nameof(Malicious))]
    public void Malicious_entries_are_refused_and_nothing_is_left_behind(string kind, string entry)
    {
        using var dir = new TestDirectory();
        var evil = entry switch
        {
            _ when entry.Contains(" -> ") => SymbolicLink(entry.Split(" -> ")[0], entry.Split(" -> ")[1]),
            _ when entry.Contains(" => ") => HardLink(entry.Split(" => ")[0], entry.Split(" => ")[1]),
            _ => FileEntry(entry, [9]),
        };
        // A good file first, so a streaming extractor would already have written something.
        File.WriteAllBytes(dir.File("a.tar.gz"), Create(FileEntry("good.bin", [1]), evil));
        string target = dir.File("out");

        var ex = Assert.Throws<InvalidDataException>(
            () => SafeArchiveExtractor.ExtractTarGz(dir.File("a.tar.gz"), target));

        Assert.Contains(dir.File("a.tar.gz"), ex.Message);
        Assert.Contains("refusing to extract", ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(target));
        Assert.False(File.Exists("/tmp/evil.txt") && kind == "absolute"
            && File.ReadAllBytes("/tmp/evil.txt").SequenceEqual(new byte[] { 9 }));
        Assert.False(File.Exists(dir.File("evil.txt")));
    }

    [Fact]
    public void Gzip_is_decompressed_atomically()
    {
        using var dir = new TestDirectory();
        File.WriteAllBytes(dir.File("x.gz"), OfficialFormatWriter.Gzip([5, 6, 7]));

        SafeArchiveExtractor.ExtractGzip(dir.File("x.gz"), dir.File("x"));

        Assert.Equal(new byte[] { 5, 6, 7 }, File.ReadAllBytes(dir.File("x")));
        Assert.Equal(["x", "x.gz"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
