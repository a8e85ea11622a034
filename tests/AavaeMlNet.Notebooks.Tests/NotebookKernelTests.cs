namespace AavaeMlNet.Notebooks.Tests;

/// <summary>
/// Every .ipynb runs top to bottom in a .NET Interactive C# kernel with the small settings, and shows its plots.
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
            var run = await NotebookKernel.RunAsync(Path.Combine(RepositoryPaths.Notebooks, name + ".ipynb"),
                new Dictionary<string, string> { ["AAVAE_NOTEBOOK_SMALL"] = "1", ["AAVAE_NOTEBOOK_OUTPUT"] = output });

            Assert.True(run.Failure is null, $"{name}.ipynb: {run.Failure}\n--- outputs so far ---\n{run.Output}");
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
