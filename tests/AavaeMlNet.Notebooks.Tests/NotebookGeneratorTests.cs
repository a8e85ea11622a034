using AavaeMlNet.Notebooks.Generator;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace AavaeMlNet.Notebooks.Tests;

/// <summary>
/// The .cs file is the single source: the committed .ipynb must be exactly what the generator writes from it.
/// </summary>
public class NotebookGeneratorTests
{
    private static KernelInfoCollection KernelInfos() =>
    [
        new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "cs"]),
    ];

    [Theory]
    [MemberData(nameof(RepositoryPaths.NotebookNames), MemberType = typeof(RepositoryPaths))]
    public void Committed_notebook_is_what_the_generator_writes_from_its_cs_source(string name)
    {
        string source = Path.Combine(RepositoryPaths.Notebooks, name + ".cs");
        string notebook = NotebookSet.NotebookPath(source);
        Assert.True(File.Exists(notebook),
            $"{name}.ipynb is missing: run `dotnet run --project notebooks/tools/NotebookGenerator`.");
        Assert.True(NotebookSet.IsUpToDate(source),
            $"{name}.ipynb differs from what {name}.cs generates: edit the .cs, " +
            "then run `dotnet run --project notebooks/tools/NotebookGenerator`.");
    }

    [Theory]
    [MemberData(nameof(RepositoryPaths.NotebookNames), MemberType = typeof(RepositoryPaths))]
    public void Generated_notebook_reads_as_a_csharp_notebook_in_dotnet_interactive(string name)
    {
        var document = Notebook.Parse(
            NotebookSet.Generate(Path.Combine(RepositoryPaths.Notebooks, name + ".cs")), KernelInfos());
        var code = document.Elements.Where(e => e.KernelName != "markdown").ToList();
        Assert.NotEmpty(code);
        Assert.All(code, e => Assert.Equal("csharp", e.KernelName));
        Assert.Contains(code, e => e.Contents.Contains("#r \"lib/bin/AavaeMlNet.dll\""));
        Assert.Contains(document.Elements, e => e.KernelName == "markdown");
    }

    [Fact]
    public void Cells_follow_their_markers_and_only_the_app_header_precedes_them()
    {
        const string source = """
            #!/usr/bin/env -S dotnet run
            #:package Example@1.0.0

            // %% [markdown]
            // # Title
            //
            // Text.

            // %% [notebook]
            // #r "lib/bin/Example.dll"

            // %% [code]
            var x = 1;

            // %% [app]
            Console.WriteLine(x);
            """;
        var cells = NotebookSource.Parse(source, "example.cs");

        Assert.Equal(
            [
                new NotebookCell(CellKind.Markdown, "# Title\n\nText."),
                new NotebookCell(CellKind.Notebook, "#r \"lib/bin/Example.dll\""),
                new NotebookCell(CellKind.Code, "var x = 1;"),
                new NotebookCell(CellKind.App, "Console.WriteLine(x);"),
            ],
            cells);
    }

    [Fact]
    public void App_only_cells_are_left_out_of_the_notebook_and_notebook_only_cells_are_uncommented()
    {
        var cells = NotebookSource.Parse(
            "// %% [notebook]\n// display(1);\n// %% [app]\nConsole.WriteLine(1);\n// %% [code]\nvar y = 2;\n",
            "example.cs");
        var document = Notebook.Parse(IpynbWriter.Write(cells, "example.cs"), KernelInfos());

        Assert.Equal(["display(1);", "var y = 2;"], document.Elements.Select(e => e.Contents));
    }

    [Theory]
    [InlineData("var x = 1;\n// %% [code]\nvar y = 2;", "code before the first cell marker")]
    [InlineData("// %% [python]\nx = 1", "unknown cell marker")]
    [InlineData("// %% [markdown]\n# Title", "'// ' comment lines only")]
    [InlineData("// %% [code]\n\n// %% [code]\nvar y = 2;", "cell is empty")]
    [InlineData("#:package Example@1.0.0", "no cells")]
    public void Malformed_sources_are_rejected_with_the_line_that_is_wrong(string source, string expected)
    {
        var error = Assert.Throws<FormatException>(() => NotebookSource.Parse(source, "example.cs"));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("example.cs", error.Message);
    }

    [Fact]
    public void The_same_source_always_gives_the_same_bytes()
    {
        string source = Path.Combine(RepositoryPaths.Notebooks, "01-quick-start.cs");
        Assert.Equal(NotebookSet.Generate(source), NotebookSet.Generate(source));
    }

    [Fact]
    public void Outputs_of_an_executed_run_round_trip_and_the_parameters_cell_is_tagged()
    {
        var cells = NotebookSource.Parse(
            "// %% [code]\nusing System;\n// %% [parameters]\nint n = 2;\n// %% [markdown]\n// Text\n" +
            "// %% [code]\nConsole.WriteLine(n);", "example.cs");
        IReadOnlyList<IReadOnlyList<NotebookOutput>> outputs =
        [
            [],
            [],
            [
                new(NotebookOutput.Stream, "stdout", [new("text", "2\nand more\n")]),
                new(NotebookOutput.Display, null, [new("text/html", "<img src=\"data:image/png;base64,AAAA\" />")]),
            ],
        ];
        string ipynb = IpynbWriter.Write(cells, "example.cs", outputs);

        var read = IpynbWriter.ReadOutputs(ipynb);
        Assert.Equal(3, read.Count);
        Assert.Empty(read[0]);
        Assert.Equal(outputs[2].Select(o => (o.Kind, o.Name, string.Join('|', o.Data))),
            read[2].Select(o => (o.Kind, o.Name, string.Join('|', o.Data))));
        Assert.Equal(ipynb, IpynbWriter.Write(cells, "example.cs", read));
        Assert.Equal([false, true, false], IpynbWriter.ReadCodeCells(ipynb).Select(c => c.IsParameters));
        Assert.Contains("\"tags\": [", ipynb);
        Assert.Contains("\"and more\\n\",", ipynb); // Jupyter's list of lines, each with its newline
    }
}
