using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AavaeMlNet.Notebooks.Generator;

/// <summary>
/// Writes cells as a Jupyter notebook (nbformat 4.4) for .NET Interactive / Polyglot Notebooks: C# kernel metadata,
/// no outputs, no execution counts, Jupyter's own layout (one-space indent, source as a list of lines). The same cells
/// always give the same bytes, so a committed notebook can be compared with a fresh one.
/// </summary>
public static class IpynbWriter
{
    /// <summary>The notebook JSON of <paramref name="cells"/>; <see cref="CellKind.App"/> cells are left out.</summary>
    public static string Write(IEnumerable<NotebookCell> cells, string sourceFileName)
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
            foreach (var cell in cells.Where(c => c.Kind != CellKind.App)) WriteCell(json, cell);
            json.WriteEndArray();
            WriteNotebookMetadata(json, sourceFileName);
            json.WriteNumber("nbformat", 4);
            json.WriteNumber("nbformat_minor", 4);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteCell(Utf8JsonWriter json, NotebookCell cell)
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
            json.WriteEndObject();
            json.WriteStartArray("outputs");
            json.WriteEndArray();
        }
        json.WriteStartArray("source");
        var lines = cell.Text.Split('\n');
        for (int i = 0; i < lines.Length; i++) json.WriteStringValue(i < lines.Length - 1 ? lines[i] + "\n" : lines[i]);
        json.WriteEndArray();
        json.WriteEndObject();
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
