using AavaeMlNet.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AavaeMlNet.Onnx.Tests;

/// <summary>
/// Models whose BatchNorm layers carry random affine parameters and running statistics, so
/// that folding is really exercised.
/// </summary>
internal static class ModelFixtures
{
    public static void RandomizeBatchNorms(nn.Module module, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            if (child is not BatchNorm norm) continue;
            long n = norm.num_features;
            norm.running_mean!.copy_(randn(n, generator: generator) * 0.3);
            norm.running_var!.copy_(rand(n, generator: generator) * 1.5 + 0.25);
            norm.weight!.copy_(rand(n, generator: generator) * 0.8 + 0.4);
            norm.bias!.copy_(randn(n, generator: generator) * 0.3);
        }
    }

    /// <summary>Row-major float copy of a tensor.</summary>
    public static float[] Floats(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
}
