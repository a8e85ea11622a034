using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace AavaeMlNet.Cli.Tests.Packaging;

/// <summary>
/// The packages as a stranger gets them. The libraries and the tool are packed into a folder feed; the README's
/// smallest program is built in a console project outside the repository against those packages (the machine's own
/// package sources plus the feed), trains a tiny AAVAE and saves model.zip; a process without TorchSharp scores that
/// model and must give the same embeddings; the tool installs from the feed and runs.
/// </summary>
public class PackageConsumerTests(ITestOutputHelper output)
{
    /// <summary>Every packable project of src/, by package id (the bench is not packable).</summary>
    private static readonly string[] PackageIds =
    [
        "AavaeMlNet", "AavaeMlNet.BatchEmbedding", "AavaeMlNet.Cli", "AavaeMlNet.Core", "AavaeMlNet.Data",
        "AavaeMlNet.Evaluation", "AavaeMlNet.Foundation", "AavaeMlNet.Onnx",
    ];

    private static readonly TimeSpan DotnetLimit = TimeSpan.FromMinutes(5);

    /// <summary>The tool's package: it points to one package per platform, which holds the tool.</summary>
    private const string ToolPointer = "AavaeMlNet.Cli";

    /// <summary>The platform this test packs the tool for (src/AavaeMlNet.Cli: the building machine's).</summary>
    private const string ToolPlatform = "linux-x64";

    [LinuxFact(Reason = "the consumer project references libtorch-cpu-linux-x64")]
    public void Packed_libraries_run_the_readme_program_outside_the_repository_and_its_model_scores_without_TorchSharp()
    {
        string root = BuildLayout.RepositoryRoot;
        // A version of its own: the shared package cache never holds a stale copy of it, and it is removed after.
        string suffix = $"test-{Guid.NewGuid():N}";
        string version = $"{VersionPrefix(root)}-{suffix}";
        using var scratch = new TestDirectory("cli-packages");
        string work = scratch.Path;
        string feed = Path.Combine(work, "feed");
        try
        {
            // The tool's platform package is built for its runtime identifier (bin/<config>/net10.0/linux-x64/,
            // without the version suffix, so nothing `dotnet test` built is touched); then everything is packed
            // as built, the tool's publish output and the nuspecs going to the scratch folder.
            Dotnet(root, "build", Path.Combine(root, "src", "AavaeMlNet.Cli"), "-c", BuildLayout.Configuration,
                "-r", ToolPlatform, "--no-restore");
            Dotnet(root, "pack", Path.Combine(root, "AavaeMlNet.sln"), "-c", BuildLayout.Configuration, "--no-build",
                "-o", feed, $"-p:VersionSuffix={suffix}", $"-p:PublishDir={Path.Combine(work, "publish")}/",
                $"-p:NuspecOutputPath={Path.Combine(work, "nuspec")}/");
            // Every package with its symbols; the tool's pointer package holds no assemblies, its platform's does.
            Assert.Equal(
                PackageIds.SelectMany(id => id == ToolPointer
                        ? new[] { $"{id}.{version}.nupkg", $"{id}.{ToolPlatform}.{version}.nupkg",
                            $"{id}.{ToolPlatform}.{version}.snupkg" }
                        : [$"{id}.{version}.nupkg", $"{id}.{version}.snupkg"]).Order(),
                Directory.GetFiles(feed).Select(f => Path.GetFileName(f)).Order());
            foreach (string id in PackageIds) AssertMetadata(root, Path.Combine(feed, $"{id}.{version}.nupkg"), id);
            AssertToolPackages(Path.Combine(feed, $"{ToolPointer}.{version}.nupkg"),
                Path.Combine(feed, $"{ToolPointer}.{ToolPlatform}.{version}.nupkg"));

            string consumer = WriteConsumer(root, work, feed, version);
            var run = Dotnet(consumer, "run");
            string printed = run.Stdout.Trim().Split('\n')[^1];
            Assert.Equal("model.zip written; 32 images embedded in 1280 numbers", printed);
            Assert.Contains($"`dotnet run` prints `{printed}`", File.ReadAllText(Path.Combine(root, "README.md")));

            var embedded = JsonSerializer.Deserialize<EmbeddedRow[]>(
                File.ReadAllText(Path.Combine(consumer, "embeddings.json")))!;
            Assert.Equal(32, embedded.Length);
            // Trained, not blank: two different images have different embeddings.
            Assert.NotEqual(embedded[0].Embedding, embedded[1].Embedding);
            var reloaded = ScoreWithoutTorchSharp(Path.Combine(consumer, "model.zip"),
                [.. embedded.Select(r => r.Image)], work);
            double worst = EmbeddingComparison.MaxDifference([.. embedded.Select(r => r.Embedding)], reloaded);
            output.WriteLine($"embeddings of the two processes: max abs difference {worst:g3}");
            Assert.True(worst <= 1e-4, $"the reloaded model's embeddings differ by up to {worst}");

            string tools = Path.Combine(work, "tools");
            Dotnet(work, "tool", "install", "--tool-path", tools, "--add-source", feed, "AavaeMlNet.Cli",
                "--version", version);
            var help = Run(new ProcessStartInfo(Path.Combine(tools, "aavae"), ["--help"]) { WorkingDirectory = work },
                "aavae --help");
            Assert.True(help.ExitCode == 0, help.ToString());
            Assert.Contains("aavae [command] [options]", help.Stdout);
            foreach (string command in new[] { "pretrain ", "embed ", "evaluate ", "import, import-pytorch ",
                         "export-pytorch " })
                Assert.Contains($"\n  {command}", help.Stdout);
            // The assemblies were built before the pack, with the version of Directory.Build.props and no suffix.
            var toolVersion = Run(new ProcessStartInfo(Path.Combine(tools, "aavae"), ["--version"]),
                "aavae --version");
            Assert.StartsWith(VersionPrefix(root), toolVersion.Stdout);
            AssertInstalledToolTrainsAndEmbeds(Path.Combine(tools, "aavae"), work);
        }
        finally
        {
            RemoveFromPackageCache(version);
        }
    }

    [Fact]
    public void Readme_and_package_readmes_name_the_backend_versions_of_Directory_Packages_props()
    {
        string root = BuildLayout.RepositoryRoot;
        string libtorch = PackageVersion(root, "libtorch-cpu-linux-x64");
        string torchSharp = PackageVersion(root, "TorchSharp");
        Assert.Equal(torchSharp, PackageVersion(root, "TorchSharp-cpu"));
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains($"dotnet add package libtorch-cpu-linux-x64 --version {libtorch}", readme);
        Assert.Contains($"`TorchSharp-cpu` {torchSharp}", readme);
        string library = File.ReadAllText(Path.Combine(root, "src", "AavaeMlNet", "PACKAGE.md"));
        Assert.Contains($"dotnet add package libtorch-cpu-linux-x64 --version {libtorch}", library);
        Assert.Contains($"dotnet add package TorchSharp-cpu --version {torchSharp}", library);
        foreach (string id in new[] { "AavaeMlNet.Core", "AavaeMlNet.Onnx", "AavaeMlNet.Evaluation",
                     "AavaeMlNet.BatchEmbedding" })
        {
            string text = File.ReadAllText(Path.Combine(root, "src", id, "PACKAGE.md"));
            Assert.Contains($"`libtorch-cpu-linux-x64` {libtorch}", text);
            Assert.Contains($"`TorchSharp-cpu` {torchSharp}", text);
        }
    }

    /// <summary>The nuspec says what a package page shows; the readme inside is the project's PACKAGE.md.</summary>
    private static void AssertMetadata(string root, string package, string id)
    {
        using var zip = ZipFile.OpenRead(package);
        var nuspec = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open()).Root!;
        XNamespace ns = nuspec.Name.Namespace;
        var metadata = nuspec.Element(ns + "metadata")!;
        string Value(string name) => metadata.Element(ns + name)?.Value ?? "";
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
        Assert.Equal("PACKAGE.md", Value("readme"));
        Assert.Equal("git", metadata.Element(ns + "repository")?.Attribute("type")?.Value);
        Assert.Contains("ml.net", Value("tags").Split(' '));
        Assert.Contains("aavae", Value("tags").Split(' '));
        Assert.True(Value("description").Length > 40, $"{id}: description '{Value("description")}'");
        using (var readme = new StreamReader(zip.GetEntry("PACKAGE.md")!.Open()))
            Assert.Equal(File.ReadAllText(Path.Combine(root, "src", id, "PACKAGE.md")), readme.ReadToEnd());
        // The libraries leave the native backend to the application.
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        Assert.DoesNotContain(dependencies, d => d.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)
            || d.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase));
        if (id == "AavaeMlNet.Core") Assert.Contains("TorchSharp", dependencies);
        if (id == ToolPointer)
            Assert.Equal("DotnetTool", metadata.Descendants(ns + "packageType").Single().Attribute("name")!.Value);
    }

    /// <summary>
    /// The pointer package names the platform package and holds no files of the tool; the platform package holds the
    /// tool with its platform's native files only, without the libtorch files it never loads.
    /// </summary>
    private static void AssertToolPackages(string pointer, string platform)
    {
        using (var zip = ZipFile.OpenRead(pointer))
        {
            Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));
            var settings = XDocument.Load(zip.GetEntry("tools/any/any/DotnetToolSettings.xml")!.Open()).Root!;
            var packages = settings.Descendants("RuntimeIdentifierPackage")
                .Select(p => (p.Attribute("RuntimeIdentifier")!.Value, p.Attribute("Id")!.Value));
            Assert.Equal([(ToolPlatform, $"{ToolPointer}.{ToolPlatform}")], packages);
        }
        using (var zip = ZipFile.OpenRead(platform))
        {
            var nuspec = XDocument.Load(zip.GetEntry($"{ToolPointer}.{ToolPlatform}.nuspec")!.Open()).Root!;
            Assert.Equal("DotnetToolRidPackage",
                nuspec.Descendants(nuspec.Name.Namespace + "packageType").Single().Attribute("name")!.Value);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            string tool = $"tools/net10.0/{ToolPlatform}/";
            Assert.All(names.Where(n => n.StartsWith("tools/", StringComparison.Ordinal)),
                n => Assert.StartsWith(tool, n));
            foreach (string file in new[] { "aavae.dll", "libtorch_cpu.so", "libLibTorchSharp.so", "libonnxruntime.so",
                         "libSkiaSharp.so" })
                Assert.Contains(tool + file, names);
            // No other platform's native files, no runtimes/ tree, no Python bindings or test libraries of libtorch.
            Assert.DoesNotContain(names, n => n.Contains("/runtimes/", StringComparison.Ordinal)
                || n.EndsWith(".dll", StringComparison.Ordinal) && n.Contains("onnxruntime", StringComparison.Ordinal)
                || n.EndsWith(".dylib", StringComparison.Ordinal) || n.EndsWith(".dbg", StringComparison.Ordinal)
                || n.Contains("libtorch_python", StringComparison.Ordinal)
                || n.Contains("_test.so", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The installed tool loads its native libraries: it pretrains a tiny model (libtorch) and embeds with it
    /// (ONNX Runtime and ML.NET).
    /// </summary>
    private void AssertInstalledToolTrainsAndEmbeds(string aavae, string work)
    {
        string images = TinyData.WriteIdx(work, 32, seed: 1, prefix: "train");
        string model = Path.Combine(work, "tool-model", "model.zip");
        var pretrain = Run(new ProcessStartInfo(aavae,
                ["pretrain", "--idx", images, "--preset", "grayscale", .. PretrainedModel.TinyArguments,
                    "--output", model]) { WorkingDirectory = work },
            "aavae pretrain");
        Assert.True(pretrain.ExitCode == 0, pretrain.ToString());
        string embeddings = Path.Combine(work, "tool-embeddings.csv");
        var embed = Run(new ProcessStartInfo(aavae, ["embed", "--model", model, "--input", images,
            "--output", embeddings]) { WorkingDirectory = work }, "aavae embed");
        Assert.True(embed.ExitCode == 0, embed.ToString());
        Assert.Equal(1 + 32, File.ReadLines(embeddings).Count());
    }

    /// <summary>
    /// A console project as `dotnet new console` writes it, with the README's program, referencing the packed
    /// AavaeMlNet and the backend; outside the repository, so none of its MSBuild or NuGet settings apply.
    /// </summary>
    private static string WriteConsumer(string root, string work, string feed, string version)
    {
        // MSBuild stops looking upwards at these, and central package management stays off.
        string[] stops = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"];
        foreach (string name in stops)
            File.WriteAllText(Path.Combine(work, name), "<Project />\n");
        // The feed is added to the machine's own package sources (no <clear/>): the dependencies come from there.
        File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="aavae-packed" value="{feed}" />
              </packageSources>
            </configuration>

            """);
        string consumer = Path.Combine(work, "MyApp");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "MyApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AavaeMlNet" Version="{version}" />
                <PackageReference Include="libtorch-cpu-linux-x64"
                                  Version="{PackageVersion(root, "libtorch-cpu-linux-x64")}" />
              </ItemGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ReadmeProgram(root));
        return consumer;
    }

    /// <summary>The first C# block of the README's "Use it in your app" section, the program users copy.</summary>
    private static string ReadmeProgram(string root)
    {
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int section = readme.IndexOf("\n## Use it in your app\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Use it in your app' section.");
        const string fence = "```csharp\n";
        int start = readme.IndexOf(fence, section, StringComparison.Ordinal);
        int next = readme.IndexOf("\n## ", section + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && start < next, "The 'Use it in your app' section of README.md has no C# block.");
        start += fence.Length;
        return readme[start..(readme.IndexOf("\n```", start, StringComparison.Ordinal) + 1)];
    }

    /// <summary>Embeddings of <paramref name="images"/> by AavaeMlNet.ModelLoader (no TorchSharp).</summary>
    private float[][] ScoreWithoutTorchSharp(string model, float[][] images, string work)
    {
        string input = Path.Combine(work, "loader-input.json");
        string scored = Path.Combine(work, "loader-output.json");
        File.WriteAllText(input, JsonSerializer.Serialize(images));
        string loader = BuildLayout.Output(Path.Combine("tests", "AavaeMlNet.ModelLoader"),
            "AavaeMlNet.ModelLoader.dll");
        var result = Run(new ProcessStartInfo("dotnet", [loader, model, "vector", input, scored, "Embedding"]),
            "AavaeMlNet.ModelLoader");
        Assert.True(result.ExitCode == 0, $"AavaeMlNet.ModelLoader failed:\n{result}");
        return JsonSerializer.Deserialize<Dictionary<string, float[][]>>(File.ReadAllText(scored))!["Embedding"];
    }

    /// <summary>Runs dotnet with the arguments; asserts success. No build server outlives the command.</summary>
    private CliResult Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (arguments[0] is "build" or "pack" or "run") start.ArgumentList.Add("--disable-build-servers");
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        string what = $"dotnet {string.Join(' ', arguments)}";
        var result = Run(start, what, DotnetLimit);
        Assert.True(result.ExitCode == 0, $"{what} failed:\n{result}");
        return result;
    }

    private CliResult Run(ProcessStartInfo start, string what, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        var result = ChildProcess.Run(start, limit ?? TimeSpan.FromMinutes(2), what);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
        return result;
    }

    private static string VersionPrefix(string root) =>
        XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    private static string PackageVersion(string root, string id) =>
        XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => p.Attribute("Include")!.Value == id).Attribute("Version")!.Value;

    /// <summary>Removes this run's packages from the shared package cache that restoring the consumer filled.</summary>
    private static void RemoveFromPackageCache(string version)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in PackageIds.Append($"{ToolPointer}.{ToolPlatform}"))
        {
            string folder = Path.Combine(cache, id.ToLowerInvariant(), version.ToLowerInvariant());
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            string parent = Path.GetDirectoryName(folder)!;
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
                Directory.Delete(parent);
        }
    }

    private sealed class EmbeddedRow
    {
        public float[] Image { get; set; } = [];
        public float[] Embedding { get; set; } = [];
    }
}
