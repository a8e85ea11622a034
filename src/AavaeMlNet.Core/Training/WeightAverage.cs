using AavaeMlNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// An exponential moving average of the encoder's weights and BatchNorm statistics (Polyak averaging), updated after
/// every optimizer step: average = average + (1 - d) * (weights - average), with d = min(decay, (1 + t) / (10 + t))
/// at step t, so that the first steps do not drag the start point along. With a constant learning rate the weights
/// keep moving around the minimum they found; their average sits nearer its middle. Only the encoder is averaged: it
/// alone computes the embedding, and in the CPU recipe's network it holds about a fifth of the weights (the
/// projection head and decoder the rest), so the average costs a fifth as much per step. The trainer hands the
/// average to the model at the end of a run (<see cref="Swap"/>) and keeps it in its checkpoints, so a resumed run
/// averages on exactly.
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    private readonly double decay;
    private readonly List<Tensor> average;

    public WeightAverage(AavaeModel model, double decay)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decay);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(decay, 1);
        this.decay = decay;
        using var _ = no_grad();
        // The copies outlive any dispose scope the trainer is built in.
        average = [.. Averaged(model).Select(t => t.clone().DetachFromDisposeScope())];
    }

    /// <summary>The average's own tensors, in the order of <see cref="Averaged"/> (the loss-spike guard copies them).
    /// </summary>
    public IReadOnlyList<Tensor> Tensors => average;

    /// <summary>Moves the average toward the model's current weights after step <paramref name="step"/>.</summary>
    public void Update(IReadOnlyList<Tensor> live, long step)
    {
        double d = Math.Min(decay, (1.0 + step) / (10.0 + step));
        using var _ = no_grad();
        using var weight = tensor((float)(1 - d), device: average[0].device);
        for (int i = 0; i < average.Count; i++) average[i].lerp_(live[i], weight);
    }

    /// <summary>
    /// The model's tensors the average follows, in a fixed order: every parameter of the encoder, then its
    /// floating-point buffers (BatchNorm's running means and variances; the step counters are left as they are).
    /// </summary>
    public static IReadOnlyList<Tensor> Averaged(AavaeModel model) =>
        [.. model.Encoder.parameters(), .. model.Encoder.buffers().Where(b => b.is_floating_point())];

    /// <summary>Exchanges the model's weights with the average: twice gives the model back its own.</summary>
    public void Swap(AavaeModel model)
    {
        using var _ = no_grad();
        var live = Averaged(model);
        for (int i = 0; i < average.Count; i++)
        {
            using var held = live[i].clone();
            live[i].copy_(average[i]);
            average[i].copy_(held);
        }
    }

    /// <summary>Writes the average (count, then each tensor in TorchSharp's format).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(average.Count);
        foreach (var t in average) t.Save(writer);
    }

    /// <summary>Reads an average written by <see cref="Save"/> for the same model.</summary>
    public void Load(BinaryReader reader, string path)
    {
        int count = reader.ReadInt32();
        if (count != average.Count)
            throw new InvalidDataException(
                $"Checkpoint '{path}' holds a weight average of {count} tensors; the model has {average.Count}.");
        foreach (var t in average) t.Load(reader);
    }

    public void Dispose()
    {
        foreach (var t in average) t.Dispose();
    }
}
