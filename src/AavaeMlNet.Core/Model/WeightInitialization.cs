using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AavaeMlNet.Model;

/// <summary>
/// Draws the initial weights of an <see cref="AavaeModel"/> from a private generator, with the distributions the
/// modules' constructors use: Kaiming-normal (fan-out, ReLU) for encoder convolutions (reference implementation),
/// PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for every other convolution and linear layer and their
/// biases; BatchNorm stays at weight 1, bias 0. Module constructors draw from torch's process-wide generator, which
/// any other thread may be drawing from at the same time; a private generator makes a seed mean the same weights.
/// </summary>
public static class WeightInitialization
{
    public static void Apply(AavaeModel model, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (name, module) in model.named_modules())
        {
            var (weight, bias) = module switch
            {
                Conv2d conv => (conv.weight, conv.bias),
                Linear linear => (linear.weight, linear.bias),
                _ => (null, null),
            };
            if (weight is null) continue;
            long receptive = weight.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
            if (module is Conv2d && name.StartsWith("encoder.", StringComparison.Ordinal))
            {
                long fanOut = weight.shape[0] * receptive;
                using (var draws = randn(weight.shape, generator: generator))
                {
                    weight.copy_(draws.mul_(Math.Sqrt(2.0 / fanOut)));
                }
                continue;
            }
            double bound = 1 / Math.Sqrt(weight.shape[1] * receptive);
            Uniform(weight, bound, generator);
            if (bias is not null) Uniform(bias, bound, generator);
        }
    }

    // TorchSharp's nn.init functions accept a generator but ignore it, so the draws are made here.
    private static void Uniform(Tensor parameter, double bound, Generator generator)
    {
        using var draws = rand(parameter.shape, generator: generator);
        parameter.copy_(draws.mul_(2 * bound).sub_(bound));
    }
}
