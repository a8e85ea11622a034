using AavaeMlNet.PyTorch;
using static TorchSharp.torch;

namespace AavaeMlNet.Core.Tests.PyTorch;

/// <summary>
/// The files scripts/make_reference_fixtures.py wrote with PyTorch 2.6 from the reference architecture (base width 4).
/// </summary>
internal static class ReferenceFixtures
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "PyTorch", "Fixtures");

    /// <summary>Lightning checkpoint of a ResNet-18, CIFAR stem, 32x32, latent 16, with decoder and hparams.</summary>
    public static string R18Checkpoint => Path.Combine(Directory, "reference_r18_cifar.ckpt");

    /// <summary>Plain state_dict (no decoder, no hyperparameters) of a ResNet-50 with the STL stem, latent 8.</summary>
    public static string R50StateDict => Path.Combine(Directory, "reference_r50_stl.pt");

    /// <summary>Inputs and PyTorch's eval-mode features, mu and log-variance for both models.</summary>
    public static string Outputs => Path.Combine(Directory, "reference_outputs.pt");

    /// <summary>A checkpoint holding a pickled call of os.system.</summary>
    public static string Unsafe => Path.Combine(Directory, "unsafe.ckpt");

    /// <summary>The expected outputs of one model ("r18" or "r50"): input, features, mu, logvar.</summary>
    public static Dictionary<string, Tensor> Expected(string model)
    {
        var all = (OrderedDictionary<object, object?>)TorchFile.Load(Outputs)!;
        var result = new Dictionary<string, Tensor>();
        foreach (var (key, value) in all)
        {
            var name = (string)key;
            if (name.StartsWith(model + ".", StringComparison.Ordinal))
                result[name[(model.Length + 1)..]] = (Tensor)value!;
            else ((Tensor)value!).Dispose();
        }
        return result;
    }

    public static string TempFile(string name) => Path.Combine(TestDirectory.New("pytorch"), name);
}
