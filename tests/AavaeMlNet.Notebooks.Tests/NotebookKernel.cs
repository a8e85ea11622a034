using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

namespace AavaeMlNet.Notebooks.Tests;

/// <summary>What one headless run of a notebook produced.</summary>
/// <param name="CellsRun">Code cells submitted.</param>
/// <param name="Failure">The first failing cell and its error, or null when every cell succeeded.</param>
/// <param name="Images">PNG images the notebook displayed (decoded from the data: URIs of its HTML outputs).</param>
/// <param name="Output">Everything the cells displayed, returned or printed, in order, for failure messages.</param>
internal sealed record NotebookRun(int CellsRun, string? Failure, IReadOnlyList<byte[]> Images, string Output);

/// <summary>
/// Runs a .ipynb the way Polyglot Notebooks does, in-process: a .NET Interactive C# kernel with the kernel helpers
/// (display, HTML), the notebook's folder as working directory (so its relative #r paths resolve), each code cell
/// submitted in order; stops at the first CommandFailed.
/// </summary>
internal static class NotebookKernel
{
    private const string PngDataUri = "data:image/png;base64,";

    public static KernelInfoCollection KernelInfos() =>
    [
        new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "cs"]),
    ];

    public static async Task<NotebookRun> RunAsync(string notebookPath, IReadOnlyDictionary<string, string> environment)
    {
        var document = Notebook.Parse(await File.ReadAllTextAsync(notebookPath), KernelInfos());
        string previousDirectory = Directory.GetCurrentDirectory();
        var previousEnvironment = environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        var images = new List<byte[]>();
        var output = new System.Text.StringBuilder();
        int cellsRun = 0;
        try
        {
            Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!);
            foreach (var (name, value) in environment) Environment.SetEnvironmentVariable(name, value);
            using var kernel = new CSharpKernel().UseKernelHelpers();
            foreach (var cell in document.Elements.Where(e => e.KernelName != "markdown"))
            {
                cellsRun++;
                var result = await kernel.SubmitCodeAsync(cell.Contents);
                foreach (var kernelEvent in result.Events)
                {
                    switch (kernelEvent)
                    {
                        case CommandFailed failed:
                            return new NotebookRun(cellsRun,
                                $"code cell {cellsRun} failed:\n{cell.Contents}\n---\n{failed.Message}",
                                images, output.ToString());
                        case DisplayEvent display:
                            foreach (var value in display.FormattedValues)
                            {
                                output.AppendLine(
                                    $"[{kernelEvent.GetType().Name} {value.MimeType}] {Shorten(value.Value)}");
                                images.AddRange(PngImages(value.Value));
                            }
                            break;
                    }
                }
            }
            return new NotebookRun(cellsRun, null, images, output.ToString());
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
            foreach (var (name, value) in previousEnvironment) Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>The images of every data:image/png;base64 URI in an HTML or text output.</summary>
    private static IEnumerable<byte[]> PngImages(string formatted)
    {
        for (int start = formatted.IndexOf(PngDataUri, StringComparison.Ordinal); start >= 0;
             start = formatted.IndexOf(PngDataUri, start + 1, StringComparison.Ordinal))
        {
            int from = start + PngDataUri.Length;
            int end = formatted.IndexOfAny(['"', '\''], from);
            yield return Convert.FromBase64String(formatted[from..(end < 0 ? formatted.Length : end)]);
        }
    }

    private static string Shorten(string value) => value.Length <= 300 ? value : value[..300] + "...";
}
