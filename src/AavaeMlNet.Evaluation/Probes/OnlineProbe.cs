using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Training;

namespace AavaeMlNet.Evaluation.Probes;

/// <summary>
/// Tracks representation quality during pretraining: after each epoch, backbone features of a small labelled set
/// are computed with the frozen (detached, evaluation-mode) encoder and a linear probe is fitted and scored on a
/// held-out labelled set. It never touches the pretraining gradients. Hook it to
/// <c>AavaeEstimator.Options.EpochCompleted</c> (or make a <see cref="TrainedEpoch"/> in
/// <c>AavaeTrainer.EpochCompleted</c>).
/// </summary>
public sealed class OnlineProbe(
    float[] trainPixels, IReadOnlyList<int> trainLabels, float[] validationPixels, IReadOnlyList<int> validationLabels,
    LinearProbe.Options? options = null)
{
    private readonly List<(int Epoch, double Accuracy)> history = [];

    /// <summary>Accuracy after each evaluated epoch.</summary>
    public IReadOnlyList<(int Epoch, double Accuracy)> History => history;

    /// <summary>Fits the probe on the current features and returns its validation accuracy.</summary>
    public double Evaluate(TrainedEpoch trained)
    {
        ArgumentNullException.ThrowIfNull(trained);
        var train = new EmbeddingMatrix(trained.Features(trainPixels, trainLabels.Count), trainLabels.Count,
            trained.FeatureSize);
        var validation = new EmbeddingMatrix(trained.Features(validationPixels, validationLabels.Count),
            validationLabels.Count, trained.FeatureSize);
        double accuracy = LinearProbe.TrainAndEvaluate(train, trainLabels, validation, validationLabels,
            options ?? new LinearProbe.Options { MaximumNumberOfIterations = 100 }).Accuracy;
        history.Add((trained.Epoch, accuracy));
        return accuracy;
    }
}
