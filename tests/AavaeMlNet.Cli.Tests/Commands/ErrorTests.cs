namespace AavaeMlNet.Cli.Tests.Commands;

[Collection(PretrainedModelCollection.Name)]
public class ErrorTests(PretrainedModel model)
{
    [Fact]
    public void A_missing_model_file_is_named_in_one_line_with_exit_code_1()
    {
        var result = CliProcess.Run(model.Directory, "embed", "--model", "missing.zip", "--input", model.TestImages,
            "--output", "x.parquet");
        CliProcess.AssertUserError(result, "Model file 'missing.zip' does not exist.");
    }

    [Fact]
    public void A_shard_index_outside_its_count_is_rejected()
    {
        var result = CliProcess.Run(model.Directory, "embed", "--model", model.ModelPath, "--input", model.TestImages,
            "--output", "x.parquet", "--shard", "3/2");
        CliProcess.AssertUserError(result, "--shard '3/2' must satisfy 0 <= i < n.");
    }

    [Fact]
    public void A_library_error_naming_an_option_property_shows_its_flag()
    {
        var result = CliProcess.Run(model.Directory, "pretrain", "--idx", model.TrainImages, "--epochs", "0",
            "--output", Path.Combine(TinyData.NewDirectory("epochs-0"), "model.zip"));
        CliProcess.AssertUserError(result, "aavae: --epochs must be at least 1. Actual value was 0.");
    }

    [Fact]
    public void A_corrupt_idx_file_is_reported_with_file_and_offset()
    {
        string directory = TinyData.NewDirectory("corrupt");
        File.WriteAllBytes(Path.Combine(directory, "bad-images-idx3-ubyte"), [0, 0, 8, 1, 0, 0, 0, 1]);
        var result = CliProcess.Run(directory, "embed", "--model", model.ModelPath, "--input", "bad-images-idx3-ubyte",
            "--output", "x.parquet");
        CliProcess.AssertUserError(result, "File 'bad-images-idx3-ubyte' has magic number 0x00000801 at byte offset 0");
    }

    [Fact]
    public void An_unknown_preset_is_a_parse_error_listing_the_presets()
    {
        var result = CliProcess.Run(model.Directory, "pretrain", "--idx", model.TrainImages, "--preset", "imagenet");
        CliProcess.AssertUserError(result, "Argument 'imagenet' not recognized");
        Assert.Contains("grayscale", result.Stderr);
    }

    [Fact]
    public void A_verbose_run_adds_the_stack_trace()
    {
        var result = CliProcess.Run(model.Directory, "embed", "--model", "missing.zip", "--input", model.TestImages,
            "--output", "x.parquet", "--verbose");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("   at ", result.Stderr);
    }
}
