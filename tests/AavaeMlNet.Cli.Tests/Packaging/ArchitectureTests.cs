using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AavaeMlNet.Cli.Tests.Packaging;

/// <summary>
/// The layer picture of docs/architecture.md against the project files: every project of src/ has a row, its
/// References column is its ProjectReference list, references point to a lower or equal layer, and layers 0-3
/// reference no ML.NET package.
/// </summary>
public class ArchitectureTests
{
    private sealed record Row(string Project, int LowestLayer, int HighestLayer, SortedSet<string> References);

    [Fact]
    public void The_architecture_table_lists_every_project_with_its_references()
    {
        var rows = Table();
        var projects = Directory.GetDirectories(RepositoryRoot.Combine("src"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length == 1).Select(Path.GetFileName).Order();
        Assert.Equal(projects, rows.Keys.Order());
        foreach (var row in rows.Values)
            Assert.True(row.References.SetEquals(ProjectReferences(row.Project)),
                $"{row.Project}: the table says [{string.Join(", ", row.References)}], the project file references " +
                $"[{string.Join(", ", ProjectReferences(row.Project))}]");
    }

    [Fact]
    public void References_point_downwards_and_the_model_layers_do_not_reference_MLNet()
    {
        var rows = Table();
        foreach (var row in rows.Values)
        {
            foreach (string reference in row.References)
                Assert.True(rows[reference].HighestLayer <= row.LowestLayer,
                    $"{row.Project} (layer {row.LowestLayer}) references {reference} (layer " +
                    $"{rows[reference].HighestLayer})");
            if (row.HighestLayer > 3) continue;
            var packages = Csproj(row.Project).Descendants("PackageReference")
                .Select(p => (string)p.Attribute("Include")!);
            Assert.DoesNotContain(packages, p => p.StartsWith("Microsoft.ML", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Evaluation_stands_on_the_model_and_the_data_only()
    {
        // Batch embedding jobs, which run saved ML.NET models, are their own project above the ML.NET surface.
        var references = ProjectReferences("AavaeMlNet.Evaluation");
        Assert.DoesNotContain("AavaeMlNet", references);
        Assert.Contains("AavaeMlNet.Core", references);
        Assert.Equal(["AavaeMlNet.Core", "AavaeMlNet.Data"], Table()["AavaeMlNet.Evaluation"].References);
    }

    /// <summary>Rows of the Layout table by project; references given as short names ("Core") become full ones.
    /// </summary>
    private static Dictionary<string, Row> Table()
    {
        string text = File.ReadAllText(RepositoryRoot.Combine("docs", "architecture.md"));
        var rows = new Dictionary<string, Row>();
        foreach (Match m in Regex.Matches(text, @"^\| `src/(?<p>[^`]+)` \| (?<l>[0-9-]+) \| (?<r>[^|]+) \|",
                     RegexOptions.Multiline))
        {
            string project = m.Groups["p"].Value;
            int[] layers = [.. m.Groups["l"].Value.Split('-').Select(int.Parse)];
            string references = m.Groups["r"].Value.Trim();
            var names = references == "none"
                ? []
                : references.Split(", ").Select(r => r == "AavaeMlNet" ? r : $"AavaeMlNet.{r}");
            rows.Add(project,
                new Row(project, layers[0], layers[^1], new SortedSet<string>(names, StringComparer.Ordinal)));
        }
        Assert.True(rows.Count >= 9, $"docs/architecture.md: {rows.Count} project rows found");
        return rows;
    }

    private static XDocument Csproj(string project) =>
        XDocument.Load(RepositoryRoot.Combine("src", project, $"{project}.csproj"));

    private static SortedSet<string> ProjectReferences(string project) => new(
        Csproj(project).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(((string)r.Attribute("Include")!).Replace('\\', '/'))),
        StringComparer.Ordinal);
}
