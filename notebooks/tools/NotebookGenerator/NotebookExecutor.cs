using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

namespace AavaeMlNet.Notebooks.Generator;

/// <summary>A code cell of a notebook: its code, and whether it is the parameters cell.</summary>
public sealed record CodeCell(string Code, bool IsParameters);

/// <summary>What one headless run of a notebook produced.</summary>
/// <param name="Outputs">The outputs of each code cell run, in order (as Jupyter stores them).</param>
/// <param name="Failure">The first failing cell and its error, or null when every cell succeeded.</param>
/// <param name="Images">PNG images the notebook displayed (decoded from the data: URIs of its HTML outputs).</param>
public sealed record ExecutedNotebook(IReadOnlyList<IReadOnlyList<NotebookOutput>> Outputs, string? Failure,
    IReadOnlyList<byte[]> Images)
{
    /// <summary>Everything the cells displayed or printed, in order, shortened, for failure messages.</summary>
    public string Log => string.Join('\n', Outputs.SelectMany(o => o).SelectMany(o => o.Data)
        .Select(d => d.Value.Length <= 300 ? d.Value : d.Value[..300] + "..."));
}

/// <summary>
/// Runs a notebook's code cells the way Polyglot Notebooks does, in-process: a .NET Interactive C# kernel with the
/// kernel helpers (display, HTML), in the notebook's folder (so its relative #r paths resolve), each cell submitted in
/// order until the first that fails. As papermill does, code given as overrides runs right after the parameters cell.
/// </summary>
public static class NotebookExecutor
{
    private const string PngDataUri = "data:image/png;base64,";

    public static async Task<ExecutedNotebook> RunAsync(IReadOnlyList<CodeCell> cells, string workingDirectory,
        string? parameterOverrides = null)
    {
        string previousDirectory = Directory.GetCurrentDirectory();
        var outputs = new List<IReadOnlyList<NotebookOutput>>();
        var images = new List<byte[]>();
        try
        {
            Directory.SetCurrentDirectory(workingDirectory);
            using var kernel = new CSharpKernel().UseKernelHelpers();
            for (int i = 0; i < cells.Count; i++)
            {
                var (cellOutputs, failure) = await SubmitAsync(kernel, cells[i].Code, images);
                outputs.Add(cellOutputs);
                if (failure is not null)
                    return new(outputs, $"code cell {i + 1} failed:\n{cells[i].Code}\n---\n{failure}", images);
                if (!cells[i].IsParameters || parameterOverrides is null) continue;
                (_, failure) = await SubmitAsync(kernel, parameterOverrides, images);
                if (failure is not null)
                    return new(outputs, $"the parameter overrides failed:\n{parameterOverrides}\n---\n{failure}",
                        images);
            }
            return new(outputs, null, images);
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
    }

    private static async Task<(List<NotebookOutput> Outputs, string? Failure)> SubmitAsync(Kernel kernel, string code,
        List<byte[]> images)
    {
        var outputs = new List<NotebookOutput>();
        var result = await kernel.SubmitCodeAsync(code);
        foreach (var kernelEvent in result.Events)
        {
            switch (kernelEvent)
            {
                case CommandFailed failed:
                    return (outputs, failed.Message);
                case StandardOutputValueProduced or StandardErrorValueProduced:
                    string stream = kernelEvent is StandardOutputValueProduced ? "stdout" : "stderr";
                    string text = ((DisplayEvent)kernelEvent).FormattedValues.First().Value;
                    // Jupyter keeps consecutive writes to one stream as one output.
                    if (outputs.Count > 0 && outputs[^1] is { Kind: NotebookOutput.Stream } last && last.Name == stream)
                        outputs[^1] = last with { Data = [new("text", last.Data[0].Value + text)] };
                    else outputs.Add(new NotebookOutput(NotebookOutput.Stream, stream, [new("text", text)]));
                    break;
                case DisplayEvent display:
                    outputs.Add(new NotebookOutput(NotebookOutput.Display, null,
                        [.. display.FormattedValues.Select(v => KeyValuePair.Create(v.MimeType, v.Value))]));
                    foreach (var value in display.FormattedValues) images.AddRange(PngImages(value.Value));
                    break;
            }
        }
        return (outputs, null);
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
}
