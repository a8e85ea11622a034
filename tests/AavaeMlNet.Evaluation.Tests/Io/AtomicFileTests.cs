using AavaeMlNet.Evaluation.Io;
using AavaeMlNet.Evaluation.Tests.TestData;

namespace AavaeMlNet.Evaluation.Tests.Io;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void OverwritesTheTargetAndLeavesNoTemporaryFile()
    {
        string path = folder.File(Path.Combine("nested", "out.txt"));

        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");

        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(new[] { "out.txt" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }
}
