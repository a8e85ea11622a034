using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AavaeMlNet.Notebooks.Generator;

/// <summary>
/// Writes cells as a Jupyter notebook (nbformat 4.4) for .NET Interactive / Polyglot Notebooks: C# kernel metadata,
/// no execution counts, the outputs of an executed run when given (else none), Jupyter's own layout (one-space
/// indent, texts as lists of lines). The same cells and outputs always give the same bytes, so a committed notebook
/// can be compared with a fresh one.
/// </summary>
public static class IpynbWriter
{
    /// <summary>The notebook JSON of <paramref name="cells"/>; <see cref="CellKind.App"/> cells are left out.</summary>
    /// <param name="cells">The cells of the source.</param>
    /// <param name="sourceFileName">The source, named in the metadata.</param>
    /// <param name="outputs">The outputs of each code cell of the notebook, in order; null: none.</param>
    public static string Write(IEnumerable<NotebookCell> cells, string sourceFileName,
        IReadOnlyList<IReadOnlyList<NotebookOutput>>? outputs = null)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 1,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NewLine = "\n",
        };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            json.WriteStartArray("cells");
            int code = 0;
            foreach (var cell in cells.Where(c => c.Kind != CellKind.App))
                WriteCell(json, cell, cell.Kind == CellKind.Markdown ? [] : outputs?.ElementAtOrDefault(code++) ?? []);
            json.WriteEndArray();
            WriteNotebookMetadata(json, sourceFileName);
            json.WriteNumber("nbformat", 4);
            json.WriteNumber("nbformat_minor", 4);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteCell(Utf8JsonWriter json, NotebookCell cell, IReadOnlyList<NotebookOutput> outputs)
    {
        json.WriteStartObject();
        if (cell.Kind == CellKind.Markdown)
        {
            json.WriteString("cell_type", "markdown");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("cell_type", "code");
            json.WriteNull("execution_count");
            json.WriteStartObject("metadata");
            json.WriteStartObject("dotnet_interactive");
            json.WriteString("language", "csharp");
            json.WriteEndObject();
            json.WriteStartObject("polyglot_notebook");
            json.WriteString("kernelName", "csharp");
            json.WriteEndObject();
            if (cell.Kind == CellKind.Parameters)
            {
                json.WriteStartArray("tags");
                json.WriteStringValue("parameters");
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteStartArray("outputs");
            foreach (var output in outputs) WriteOutput(json, output);
            json.WriteEndArray();
        }
        WriteLines(json, "source", cell.Text);
        json.WriteEndObject();
    }

    private static void WriteOutput(Utf8JsonWriter json, NotebookOutput output)
    {
        json.WriteStartObject();
        if (output.Kind == NotebookOutput.Stream)
        {
            json.WriteString("name", output.Name);
            json.WriteString("output_type", NotebookOutput.Stream);
            WriteLines(json, "text", output.Data.Single().Value);
        }
        else
        {
            json.WriteStartObject("data");
            foreach (var (mime, text) in output.Data) WriteLines(json, mime, text);
            json.WriteEndObject();
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("output_type", output.Kind);
        }
        json.WriteEndObject();
    }

    // Jupyter stores a text as a list of lines, each but the last ending with its newline.
    private static void WriteLines(Utf8JsonWriter json, string name, string text)
    {
        json.WriteStartArray(name);
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++) json.WriteStringValue(i < lines.Length - 1 ? lines[i] + "\n" : lines[i]);
        json.WriteEndArray();
    }

    /// <summary>The code cells of the notebook JSON <paramref name="ipynb"/>, in order.</summary>
    public static IReadOnlyList<CodeCell> ReadCodeCells(string ipynb)
    {
        using var document = JsonDocument.Parse(ipynb);
        return document.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => new CodeCell(
                string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())),
                c.GetProperty("metadata").TryGetProperty("tags", out var tags)
                && tags.EnumerateArray().Any(t => t.GetString() == "parameters")))
            .ToList();
    }

    /// <summary>The outputs of each code cell of the notebook JSON <paramref name="ipynb"/>, in order.</summary>
    public static IReadOnlyList<IReadOnlyList<NotebookOutput>> ReadOutputs(string ipynb)
    {
        using var document = JsonDocument.Parse(ipynb);
        static string Joined(JsonElement lines) => lines.ValueKind == JsonValueKind.Array
            ? string.Concat(lines.EnumerateArray().Select(l => l.GetString()))
            : lines.GetString() ?? "";
        return document.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => (IReadOnlyList<NotebookOutput>)c.GetProperty("outputs").EnumerateArray()
                .Select(o => o.GetProperty("output_type").GetString() == NotebookOutput.Stream
                    ? new NotebookOutput(NotebookOutput.Stream, o.GetProperty("name").GetString(),
                        [new("text", Joined(o.GetProperty("text")))])
                    : new NotebookOutput(o.GetProperty("output_type").GetString()!, null,
                        [.. o.GetProperty("data").EnumerateObject().Select(d => KeyValuePair.Create(d.Name,
                            Joined(d.Value)))]))
                .ToList())
            .ToList();
    }

    private static void WriteNotebookMetadata(Utf8JsonWriter json, string sourceFileName)
    {
        json.WriteStartObject("metadata");
        json.WriteStartObject("kernelspec");
        json.WriteString("display_name", ".NET (C#)");
        json.WriteString("language", "C#");
        json.WriteString("name", ".net-csharp");
        json.WriteEndObject();
        json.WriteStartObject("language_info");
        json.WriteString("file_extension", ".cs");
        json.WriteString("mimetype", "text/x-csharp");
        json.WriteString("name", "C#");
        json.WriteString("pygments_lexer", "csharp");
        json.WriteEndObject();
        json.WriteStartObject("polyglot_notebook");
        json.WriteStartObject("kernelInfo");
        json.WriteString("defaultKernelName", "csharp");
        json.WriteStartArray("items");
        json.WriteStartObject();
        json.WriteStartArray("aliases");
        json.WriteEndArray();
        json.WriteString("name", "csharp");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        // Says where to edit: this file is generated.
        json.WriteString("generated_from", sourceFileName);
        json.WriteEndObject();
    }
}
