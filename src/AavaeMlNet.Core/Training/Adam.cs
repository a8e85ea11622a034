using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// TorchSharp's Adam, the same update bit for bit (tests compare the two), except that every <see cref="Scalar"/>
/// it hands to libtorch is created explicitly and disposed only after the native call that reads it.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's own step converts about eight doubles per parameter per step to Scalars implicitly
/// (<c>add_(eps)</c>, <c>mul_(beta1)</c>, ...). Such a temporary is unreachable as soon as its native handle has
/// been read, so a garbage collection that another thread starts during the native call can run its finalizer,
/// and libtorch then reads freed memory. A one-hour run on Fashion-MNIST died that way in its third epoch, in
/// <c>add_</c> ("Expected false to be true", c10/core/Scalar.h). The list below keeps every Scalar of a step
/// reachable until the step is done. The class keeps the name Adam because TorchSharp writes the optimizer's type
/// name into the saved state and refuses another name on load: checkpoints stay readable both ways.
/// </remarks>
public sealed class Adam(IEnumerable<Parameter> parameters, double lr, double weightDecay = 0)
    : TorchSharp.Modules.Adam(parameters, lr: lr, weight_decay: weightDecay)
{
    /// <summary>The live state of every parameter (its step count and moments), in parameter order.</summary>
    internal IEnumerable<State> States() =>
        _parameter_groups.SelectMany(group => group.Parameters).Select(param => (State)_state[param.Handle]);

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var held = new List<Scalar>();
        Scalar Hold(double value)
        {
            var scalar = value.ToScalar();
            held.Add(scalar);
            return scalar;
        }
        try
        {
            var options = (Options)group.Options;
            if (options.amsgrad == true || options.maximize == true)
                throw new NotSupportedException("This Adam implements neither amsgrad nor maximize.");
            double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value;
            double decay = options.weight_decay!.Value, rate = options.LearningRate!.Value;
            Scalar beta1Scalar = Hold(beta1), beta2Scalar = Hold(beta2), epsScalar = Hold(eps);
            Scalar firstMomentRate = Hold(1 - beta1), secondMomentRate = Hold(1 - beta2);
            var one = 1.ToScalar(); // TorchSharp's add_(Scalar) passes the integer 1 as alpha
            held.Add(one);
            foreach (var param in group.Parameters)
            {
                var state = (State)_state[param.Handle];
                var grad = param.grad;
                if (grad is null) continue;
                state.step += 1;
                double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                if (decay != 0) grad = grad.add(param, Hold(decay));

                state.exp_avg.mul_(beta1Scalar).add_(grad, firstMomentRate);
                state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad.conj(), secondMomentRate);
                var denominator = state.exp_avg_sq.sqrt().div(Hold(Math.Sqrt(biasCorrection2))).add_(epsScalar, one);
                param.addcdiv_(state.exp_avg, denominator, Hold(-(rate / biasCorrection1)));
            }
        }
        finally
        {
            foreach (var scalar in held) scalar.Dispose();
        }
    }, closure);
}
