namespace AavaeMlNet.Training;

/// <summary>
/// The means of the training loop's figures (loss, reconstruction, KL, log-variance of z) and the throughput over a
/// window of steps, turned into a <see cref="TrainingProgress"/> report.
/// </summary>
internal sealed class ProgressWindow(TimeSpan start)
{
    private double loss, reconstruction, kl, logVariance;
    private long images;
    public int Steps { get; private set; }

    public void Add(double loss, double reconstruction, double kl, double logVariance, long batchImages)
    {
        this.logVariance += logVariance;
        this.loss += loss;
        this.reconstruction += reconstruction;
        this.kl += kl;
        images += batchImages;
        Steps++;
    }

    public TrainingProgress Report(int epoch, long step, int stepInEpoch, int stepsPerEpoch, double rate,
        TimeSpan now, bool epochEnd, long plannedSteps)
    {
        double seconds = Math.Max(1e-9, (now - start).TotalSeconds);
        int n = Math.Max(1, Steps);
        return new TrainingProgress(epoch, step, stepInEpoch, stepsPerEpoch, loss / n, reconstruction / n, kl / n,
            rate, images / seconds, now, epochEnd, logVariance / n, plannedSteps);
    }
}
