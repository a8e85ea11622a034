using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.Probes;

namespace AavaeMlNet.Evaluation.LabelEfficiency;

/// <summary>
/// One point of a label-efficiency curve: the budget, the labelled images it took, the test accuracy.
/// </summary>
/// <param name="Budget">The budget as asked for.</param>
/// <param name="Images">Labelled images the probe was fitted on.</param>
/// <param name="Accuracy">Top-1 accuracy in [0, 1] on the whole test set.</param>
public sealed record LabelEfficiencyPoint(LabelBudget Budget, int Images, double Accuracy)
{
    /// <summary>The probe's L2 weight at this budget (chosen per budget under L2 selection).</summary>
    public float? L2Regularization { get; init; }
}

/// <summary>
/// The label-efficiency table of self-supervised learning: the same <see cref="LinearProbe"/> fitted on a stratified,
/// seeded subset of the labelled training embeddings per budget (<see cref="LabelSubset"/>; standardization, and the
/// L2 weight under <see cref="LinearProbe.Options.L2Candidates"/>, chosen on the subset only), each measured on the
/// whole test set.
/// </summary>
public static class LabelEfficiencyProbe
{
    /// <summary>One point per budget, in the order given.</summary>
    public static IReadOnlyList<LabelEfficiencyPoint> Run(EmbeddingMatrix train, IReadOnlyList<int> trainLabels,
        EmbeddingMatrix test, IReadOnlyList<int> testLabels, IReadOnlyList<LabelBudget> budgets,
        LinearProbe.Options? probe = null, ulong seed = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(budgets);
        train.CheckLabels(trainLabels, nameof(trainLabels));
        var points = new List<LabelEfficiencyPoint>(budgets.Count);
        foreach (var budget in budgets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int[] subset = LabelSubset.Select(trainLabels, budget, seed);
            int[] labels = [.. subset.Select(i => trainLabels[i])];
            var result = LinearProbe.TrainAndEvaluate(train.Rows(subset), labels, test, testLabels,
                probe ?? new LinearProbe.Options());
            points.Add(new LabelEfficiencyPoint(budget, subset.Length, result.Accuracy)
            {
                L2Regularization = result.L2Regularization,
            });
        }
        return points;
    }
}
