using AavaeMlNet.Notebooks.Generator;

namespace AavaeMlNet.Notebooks.Tests;

/// <summary>
/// Every .ipynb runs top to bottom in a .NET Interactive C# kernel with the small settings (set after its parameters
/// cell, as a runner does), and shows its plots.
/// </summary>
public class NotebookKernelTests
{
    [Theory]
    [MemberData(nameof(RepositoryPaths.NotebookNames), MemberType = typeof(RepositoryPaths))]
    public async Task Notebook_runs_every_cell_without_error_and_shows_each_plot_it_writes_inline(string name)
    {
        string output = TestDirectory.New($"{name}-kernel");
        try
        {
            // As a runner would: the small settings set in a cell right after the notebook's parameters cell.
            string notebook = Path.Combine(RepositoryPaths.Notebooks, name + ".ipynb");
            var run = await NotebookExecutor.RunAsync(IpynbWriter.ReadCodeCells(await File.ReadAllTextAsync(notebook)),
                RepositoryPaths.Notebooks, $"small = true; outputDirectory = @\"{output}\";");

            Assert.True(run.Failure is null, $"{name}.ipynb: {run.Failure}\n--- outputs so far ---\n{run.Log}");
            var written = Directory.GetFiles(output, "*.png");
            Assert.NotEmpty(written);
            Assert.Equal(written.Length, run.Images.Count);
            Assert.All(run.Images, image => Assert.Equal(PngSignature.Bytes, image.Take(PngSignature.Bytes.Length)));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
