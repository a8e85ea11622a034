using AavaeMlNet.Notebooks.Generator;

// dotnet run --project notebooks/tools/NotebookGenerator [-- --check | --execute [NAME...]] [notebooks-directory]
//   writes notebooks/NAME.ipynb from each notebooks/NAME.cs; with --check, writes nothing and exits 1 when a
//   committed notebook differs from what would be written; with --execute, runs each notebook (or those named) with
//   its own parameters in a .NET Interactive kernel and writes it with the outputs of that run (minutes per notebook).
bool check = args.Contains("--check");
if (args.Contains("--execute")) return await ExecuteCommand.RunAsync(args);
string directory = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal))
    ?? NotebookSet.DefaultDirectory;
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
