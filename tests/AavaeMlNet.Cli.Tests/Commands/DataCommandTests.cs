namespace AavaeMlNet.Cli.Tests.Commands;

public class DataCommandTests
{
    [Fact]
    public void Verify_lists_every_problem_names_the_wrong_file_and_exits_1()
    {
        string directory = TinyData.NewDirectory("verify");
        File.WriteAllText(Path.Combine(directory, "train-labels-idx1-ubyte.gz"), "not the labels");

        var result = CliProcess.Run(directory, "data", "verify", "--manifest", "fashion-mnist", "--data-dir",
            directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("train-labels-idx1-ubyte.gz", result.Stderr);
        Assert.Contains("WrongSize", result.Stderr);
        Assert.Contains("t10k-images-idx3-ubyte.gz", result.Stderr);
        Assert.Contains("4 problem(s)", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public void Verify_of_an_unknown_manifest_is_a_user_error()
    {
        string directory = TinyData.NewDirectory("verify-unknown");
        var result = CliProcess.Run(directory, "data", "verify", "--manifest", "imagenet", "--data-dir", directory);
        CliProcess.AssertUserError(result, "Manifest 'imagenet' is neither a built-in manifest");
    }

    [Fact]
    public void Fetch_from_a_local_mirror_places_the_verified_files_and_a_second_fetch_downloads_nothing()
    {
        string source = TinyData.NewDirectory("fetch-source");
        string target = TinyData.NewDirectory("fetch-target");
        try
        {
            string images = TinyData.WriteIdx(source, 64, seed: 31);
            string labels = images.Replace("-images-idx3-", "-labels-idx1-", StringComparison.Ordinal);
            string manifest = TinyData.WriteManifest(source, images, 64);
            using var server = new LocalHttpServer();
            foreach (string file in new[] { images, labels })
                server.Files[Path.GetFileName(file)] = File.ReadAllBytes(file);
            string[] fetch =
                ["data", "fetch", "--manifest", manifest, "--data-dir", target, "--mirror", server.BaseUrl.ToString()];

            var first = CliProcess.Succeed(target, fetch);
            var second = CliProcess.Succeed(target, fetch);

            Assert.Contains("train-images-idx3-ubyte.gz: done", first.Stdout);
            Assert.Contains("train-labels-idx1-ubyte.gz: done", first.Stdout);
            Assert.Equal(2, server.RangeHeaders.Count); // the second fetch found both files verified in place
            foreach (string file in new[] { images, labels })
                Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(target, Path.GetFileName(file))));
            Assert.Equal(2, Directory.GetFileSystemEntries(target).Length); // no .part left
            Assert.Equal(first.Stdout.Trim().Split('\n')[^1], second.Stdout.Trim());
            CliProcess.Succeed(target, "data", "verify", "--manifest", manifest, "--data-dir", target);
        }
        finally
        {
            Directory.Delete(source, recursive: true);
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public void Fetch_of_a_file_the_mirror_lacks_is_a_one_line_error_naming_the_address_and_the_404()
    {
        string source = TinyData.NewDirectory("fetch-404");
        try
        {
            string manifest = TinyData.WriteManifest(source, TinyData.WriteIdx(source, 64, seed: 32), 64);
            using var server = new LocalHttpServer();

            var result = CliProcess.Run(source, "data", "fetch", "--manifest", manifest, "--data-dir", "target",
                "--mirror", server.BaseUrl.ToString());

            CliProcess.AssertUserError(result, $"aavae: Download of 'train-images-idx3-ubyte.gz' from " +
                $"{server.BaseUrl}train-images-idx3-ubyte.gz failed: HTTP 404 (Not Found). Not retried.");
            Assert.Single(server.RangeHeaders);
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(source, "target")));
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }
}
