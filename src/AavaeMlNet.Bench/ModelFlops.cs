using AavaeMlNet.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AavaeMlNet.Bench;

/// <summary>
/// Multiply-add count of one image's forward pass through the convolutions and linear layers, per part of the model,
/// observed on a real forward (so the decoder's actual stage sizes count). FLOPs = 2 x multiply-adds; a training step
/// costs about three forwards (forward, and the two products of the backward pass).
/// </summary>
internal sealed record ModelFlops(double Encoder, double Head, double Decoder)
{
    public double ForwardFlopsPerImage => Encoder + Head + Decoder;

    public double TrainingFlopsPerImage => 3 * ForwardFlopsPerImage;

    public string Describe() =>
        $"forward MFLOP per image: encoder {Encoder / 1e6:F1}, head {Head / 1e6:F1}, decoder {Decoder / 1e6:F1}, " +
        $"total {ForwardFlopsPerImage / 1e6:F1} (training step ~{TrainingFlopsPerImage / 1e6:F0})";

    public static ModelFlops Count(AavaeModel model, AavaeConfig config)
    {
        var encoder = model.Encoder.modules().ToHashSet();
        var decoder = model.Decoder.modules().ToHashSet();
        double enc = 0, head = 0, dec = 0;
        const int batch = 2;
        model.Compute.Observer = (layer, _, output) =>
        {
            double macs = layer switch
            {
                Conv2d conv => (double)output.numel() * conv.in_channels / conv.groups
                    * conv.kernel_size.Aggregate(1L, (a, b) => a * b),
                Linear linear => (double)output.numel() * linear.weight.shape[1],
                _ => 0,
            };
            double flops = 2 * macs / batch;
            if (encoder.Contains(layer)) enc += flops;
            else if (decoder.Contains(layer)) dec += flops;
            else head += flops;
        };
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            bool training = model.training;
            model.eval();
            model.Loss(zeros(batch, config.Channels, config.Height, config.Width),
                zeros(batch, config.Channels, config.Height, config.Width), null);
            model.train(training);
        }
        finally
        {
            model.Compute.Observer = null;
        }
        return new ModelFlops(enc, head, dec);
    }
}
