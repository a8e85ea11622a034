using AavaeMlNet.Notebooks.Generator;

// dotnet run --project notebooks/tools/NotebookGenerator [-- --check] [notebooks-directory]
//   writes notebooks/NAME.ipynb from each notebooks/NAME.cs; with --check, writes nothing and exits 1 when a
//   committed notebook differs from what would be written.
bool check = args.Contains("--check");
string directory = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal))
    ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
if (!Directory.Exists(directory) || NotebookSet.Sources(directory).Count == 0)
{
    Console.Error.WriteLine($"No notebook sources (*.cs) in '{directory}'; pass the notebooks directory.");
    return 2;
}
int stale = 0;
foreach (string source in NotebookSet.Sources(directory))
{
    string notebook = NotebookSet.NotebookPath(source);
    if (NotebookSet.IsUpToDate(source))
    {
        Console.WriteLine($"up to date: {Path.GetFileName(notebook)}");
        continue;
    }
    if (check)
    {
        Console.Error.WriteLine(
            $"stale: {Path.GetFileName(notebook)} differs from what {Path.GetFileName(source)} generates.");
        stale++;
        continue;
    }
    File.WriteAllText(notebook, NotebookSet.Generate(source));
    Console.WriteLine($"wrote: {Path.GetFileName(notebook)}");
}
return stale == 0 ? 0 : 1;
