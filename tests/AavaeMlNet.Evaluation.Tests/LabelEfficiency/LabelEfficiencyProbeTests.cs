using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.LabelEfficiency;

namespace AavaeMlNet.Evaluation.Tests.LabelEfficiency;

public class LabelEfficiencyProbeTests
{
    // 200 training rows of two classes whose single feature points the wrong way (class 0 at +1, class 1 at -1),
    // except the rows a budget selects, which point the right way, as every test row does (class 0 at -1).
    private static (EmbeddingMatrix Train, int[] Labels, EmbeddingMatrix Test, int[] TestLabels) Planted(
        LabelBudget budget, ulong seed)
    {
        int[] labels = [.. Enumerable.Range(0, 200).Select(i => i % 2)];
        var chosen = LabelSubset.Select(labels, budget, seed).ToHashSet();
        float[] features = [.. labels.Select((label, i) => (label == 0 ? -1f : 1f) * (chosen.Contains(i) ? 1 : -1))];
        int[] testLabels = [.. Enumerable.Range(0, 20).Select(i => i % 2)];
        float[] test = [.. testLabels.Select(label => label == 0 ? -1f : 1f)];
        return (new EmbeddingMatrix(features, 200, 1), labels, new EmbeddingMatrix(test, 20, 1), testLabels);
    }

    [Theory]
    [InlineData("5/class", 10)]
    [InlineData("10%", 20)]
    public void Each_budget_fits_its_probe_on_its_subset_only(string text, int images)
    {
        var budget = LabelBudget.Parse(text);
        var (train, labels, test, testLabels) = Planted(budget, seed: 3);

        var point = Assert.Single(LabelEfficiencyProbe.Run(train, labels, test, testLabels, [budget], seed: 3));

        // Fitted on the planted rows alone the probe is right on every test row; any other row taught it the
        // reverse, so a probe fitted on all labels would score 0.
        Assert.Equal((images, 1.0), (point.Images, point.Accuracy));
        Assert.Equal(0.0, Evaluation.Probes.LinearProbe.TrainAndEvaluate(train, labels, test, testLabels,
            new Evaluation.Probes.LinearProbe.Options()).Accuracy);
    }

    [Fact]
    public void Another_seed_draws_another_subset()
    {
        var budget = LabelBudget.Parse("5/class");
        var (train, labels, test, testLabels) = Planted(budget, seed: 3);

        var point = Assert.Single(LabelEfficiencyProbe.Run(train, labels, test, testLabels, [budget], seed: 4));

        Assert.True(point.Accuracy < 1.0, $"{point.Accuracy}");
    }
}
