namespace AavaeMlNet.Cli.Tests.Commands;

public class DataCommandTests
{
    [Fact]
    public void Verify_lists_every_problem_names_the_wrong_file_and_exits_1()
    {
        string directory = TinyData.NewDirectory("verify");
        File.WriteAllText(Path.Combine(directory, "train-labels-idx1-ubyte.gz"), "not the labels");

        var result = CliProcess.Run(directory, "data", "verify", "--manifest", "fashion-mnist", "--dir", directory);

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
        var result = CliProcess.Run(directory, "data", "verify", "--manifest", "imagenet", "--dir", directory);
        CliProcess.AssertUserError(result, "Manifest 'imagenet' is neither a built-in manifest");
    }
}
