using System.Diagnostics;

namespace AavaeMlNet.Notebooks.Generator;

/// <summary>
/// `--execute [NAME...]`: runs each notebook (all of them, or those named) top to bottom with its own parameters and
/// writes NAME.ipynb with the outputs of that run, so that a reader sees the results without running it. A failing
/// cell writes nothing and exits 1.
/// </summary>
internal static class ExecuteCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string directory = NotebookSet.DefaultDirectory;
        var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
        foreach (string source in NotebookSet.Sources(directory))
        {
            if (names.Count > 0 && !names.Contains(Path.GetFileNameWithoutExtension(source))) continue;
            var cells = NotebookSet.Cells(source)
                .Where(c => c.Kind is not (CellKind.Markdown or CellKind.App))
                .Select(c => new CodeCell(c.Text, c.Kind == CellKind.Parameters))
                .ToList();
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"running {Path.GetFileName(source)} ({cells.Count} code cells)...");
            var run = await NotebookExecutor.RunAsync(cells, directory);
            if (run.Failure is not null)
            {
                Console.Error.WriteLine($"{Path.GetFileName(source)}: {run.Failure}\n--- outputs ---\n{run.Log}");
                return 1;
            }
            string notebook = NotebookSet.NotebookPath(source);
            File.WriteAllText(notebook, NotebookSet.Generate(source, run.Outputs));
            Console.WriteLine($"wrote {Path.GetFileName(notebook)} with the outputs of a {clock.Elapsed:mm\\:ss} run " +
                              $"({run.Images.Count} images)");
        }
        return 0;
    }
}
