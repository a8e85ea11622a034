namespace AavaeMlNet.Training;

/// <summary>A checkpoint the trainer has just written (atomically: the file is complete).</summary>
/// <param name="Path">Full path of the file (last.ckpt).</param>
/// <param name="Epoch">0-based epoch a resume continues in.</param>
/// <param name="StepInEpoch">Steps of <paramref name="Epoch"/> already taken (0 at an epoch boundary).</param>
/// <param name="StepsPerEpoch">Steps in a full epoch.</param>
/// <param name="Step">Optimisation steps taken in total.</param>
/// <param name="Bytes">Size of the file.</param>
public sealed record CheckpointSaved(string Path, int Epoch, int StepInEpoch, int StepsPerEpoch, long Step, long Bytes);
