namespace AavaeMlNet.Training;

/// <summary>A progress report from the training loop.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Step">Global 0-based index of the step just taken (steps taken so far minus one).</param>
/// <param name="StepInEpoch">Steps taken in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in a full epoch.</param>
/// <param name="Loss">Mean loss over the steps since the previous report.</param>
/// <param name="Reconstruction">Mean -log p(x|z) over the same steps.</param>
/// <param name="Kl">Mean KL(q(z|x+) || N(0, I)) over the same steps.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
/// <param name="ImagesPerSecond">Throughput since the previous report.</param>
/// <param name="Elapsed">Wall time since this run (or resume) started.</param>
/// <param name="IsEpochEnd">True for the summary at the end of an epoch (then the means cover the whole epoch).</param>
/// <param name="LogVariance">Mean log-variance of q(z|x+) over the same steps (see
/// <c>AavaeLoss.LogVariance</c>).</param>
/// <param name="PlannedSteps">Steps the run plans in all (<see cref="RunPlan.PlannedSteps"/>; 0 when unknown, before a
/// budgeted run has measured its step rate).</param>
public sealed record TrainingProgress(
    int Epoch, long Step, int StepInEpoch, int StepsPerEpoch,
    double Loss, double Reconstruction, double Kl, double LearningRate,
    double ImagesPerSecond, TimeSpan Elapsed, bool IsEpochEnd, double LogVariance = double.NaN,
    long PlannedSteps = 0);
