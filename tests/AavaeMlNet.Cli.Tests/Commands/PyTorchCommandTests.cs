using AavaeMlNet.PyTorch;

namespace AavaeMlNet.Cli.Tests.Commands;

public class PyTorchCommandTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "PyTorch", "Fixtures", name);

    private static string TempDirectory() => TestDirectory.New("cli-pytorch");

    [Fact]
    public void Import_writes_model_zip_and_encoder_ckpt_and_export_pytorch_gives_the_reference_tensors_back()
    {
        string directory = TempDirectory();
        var imported = CliProcess.Succeed(directory,
            "import-pytorch", "--pytorch", Fixture("reference_r18_cifar.ckpt"), "-o", "model.zip", "--skip-decoder");
        Assert.Contains("decoder: not imported", imported.Stdout);
        Assert.Contains("embedding size 32", imported.Stdout);
        Assert.True(File.Exists(Path.Combine(directory, "model.zip")));
        Assert.True(File.Exists(Path.Combine(directory, "encoder.ckpt")));

        var exported = CliProcess.Succeed(directory, "export-pytorch", "--model", "model.zip", "-o", "state_dict.pt");
        Assert.Contains("--encoder_name resnet18 --h_dim 32 --latent_dim 16", exported.Stdout);
        using var written = ReferenceCheckpoint.Load(Path.Combine(directory, "state_dict.pt"));
        using var reference = ReferenceCheckpoint.Load(Fixture("reference_r18_cifar.ckpt"));
        Assert.Equal(reference.StateDict.Keys.Count(k => !k.StartsWith("decoder.", StringComparison.Ordinal)),
            written.StateDict.Count);
        foreach (var (key, value) in written.StateDict) Assert.True(Same(value, reference.StateDict[key]), key);
    }

    [Fact]
    public void Import_of_a_file_with_the_reference_decoder_without_skip_decoder_is_a_user_error()
    {
        var result = CliProcess.Run(TempDirectory(), "import", "--pytorch", Fixture("reference_r18_cifar.ckpt"));
        CliProcess.AssertUserError(result, "--skip-decoder");
    }

    [Fact]
    public void Import_refuses_a_checkpoint_with_a_pickled_call()
    {
        string directory = TempDirectory();
        var result = CliProcess.Run(directory, "import", "--pytorch", Fixture("unsafe.ckpt"), "--skip-decoder");
        CliProcess.AssertUserError(result, "'posix.system'");
        Assert.False(File.Exists(Path.Combine(directory, "model.zip")));
    }

    private static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
