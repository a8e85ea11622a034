using AavaeMlNet.Core.Tests.Training;
using AavaeMlNet.Io;

namespace AavaeMlNet.Core.Tests.Io;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string folder = TrainingFixtures.TempDirectory();

    public void Dispose()
    {
        ReadOnlyFolder.MakeWritable(folder);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Writes_the_content_and_leaves_no_temporary_file()
    {
        string path = Path.Combine(folder, "nested", "out.txt");

        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");
        AtomicFile.WriteAllBytes(Path.Combine(folder, "nested", "out.bin"), [1, 2, 3]);
        AtomicFile.Write(Path.Combine(folder, "nested", "out.stream"), stream => stream.Write("abc"u8));

        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(folder, "nested", "out.bin")));
        Assert.Equal("abc", File.ReadAllText(Path.Combine(folder, "nested", "out.stream")));
        Assert.Equal(["out.bin", "out.stream", "out.txt"], FileNames(Path.Combine(folder, "nested")));
    }

    [Fact]
    public void While_writing_the_content_lies_in_a_hidden_temporary_sibling_and_the_target_is_untouched()
    {
        string path = Path.Combine(folder, "out.txt");
        File.WriteAllText(path, "before");
        string[] during = [];
        string seen = "";

        AtomicFile.Write(path, stream =>
        {
            stream.Write("after"u8);
            during = Directory.GetFiles(folder, "*.tmp");
            seen = File.ReadAllText(path);
        });

        string temporary = Path.GetFileName(Assert.Single(during));
        Assert.Matches($@"^\.out\.txt\.{Environment.ProcessId}\.[0-9a-f]{{32}}\.tmp$", temporary);
        Assert.Equal("before", seen);
        Assert.Equal(["out.txt"], FileNames(folder));
    }

    [Fact]
    public async Task Asynchronous_writer_gives_the_same_file()
    {
        string path = Path.Combine(folder, "out.txt");

        await AtomicFile.WriteAsync(path, (stream, token) => stream.WriteAsync("async"u8.ToArray(), token).AsTask());

        Assert.Equal("async", File.ReadAllText(path));
        Assert.Equal(["out.txt"], FileNames(folder));
    }

    [Fact]
    public void A_failing_writer_leaves_the_previous_file_and_no_temporary_file()
    {
        string path = Path.Combine(folder, "out.txt");
        AtomicFile.WriteAllText(path, "previous");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("writer failed");
        }));

        Assert.Equal("writer failed", error.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["out.txt"], FileNames(folder));
    }

    [Fact]
    public void A_file_that_fails_part_way_is_an_error_naming_the_target_however_the_writer_wrapped_it()
    {
        string path = Path.Combine(folder, "out.txt");
        AtomicFile.WriteAllText(path, "previous");

        // The file itself refuses (a length past what the file system holds: EFBIG), and the writer wraps that in an
        // exception of its own, as a Parquet writer does.
        var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            try
            {
                stream.SetLength(long.MaxValue);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException("failed to serialise", e);
            }
        }));

        Assert.StartsWith($"Cannot write '{path}': ", error.Message);
        Assert.EndsWith(" The previous file, if any, is unchanged.", error.Message);
        Assert.Equal("failed to serialise", Assert.IsType<InvalidOperationException>(error.InnerException).Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["out.txt"], FileNames(folder));
    }

    [Fact]
    public void A_folder_in_the_place_of_the_target_is_an_error_naming_it_and_loses_nothing()
    {
        string path = Path.Combine(folder, "out.txt");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside.txt"), "kept");

        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "new"));

        Assert.StartsWith($"Cannot write '{path}': ", error.Message);
        Assert.Equal("kept", File.ReadAllText(Path.Combine(path, "inside.txt")));
        Assert.Empty(FileNames(folder));
    }

    [ReadOnlyFolderFact]
    public void A_read_only_folder_gives_an_error_naming_the_target_and_leaves_the_previous_file()
    {
        string path = Path.Combine(folder, "out.txt");
        AtomicFile.WriteAllText(path, "previous");
        Assert.True(ReadOnlyFolder.MakeReadOnly(folder));

        var error = Assert.ThrowsAny<Exception>(() => AtomicFile.WriteAllText(path, "new"));

        Assert.True(error is UnauthorizedAccessException or IOException, error.ToString());
        Assert.Contains($"Cannot write '{path}'", error.Message);
        ReadOnlyFolder.MakeWritable(folder);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["out.txt"], FileNames(folder));
    }

    private static string[] FileNames(string directory) =>
        Directory.GetFiles(directory).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
}
