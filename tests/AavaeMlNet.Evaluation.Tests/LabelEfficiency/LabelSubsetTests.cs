using AavaeMlNet.Evaluation.Embeddings;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Tests.TestData;

namespace AavaeMlNet.Evaluation.Tests.LabelEfficiency;

public class LabelSubsetTests
{
    // 1,000 labels: class 0 x 500, class 1 x 300, class 2 x 200, interleaved so that index order is not class order.
    private static readonly int[] Labels =
        [.. Enumerable.Range(0, 1000).Select(i => i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2)];

    [Fact]
    public void Largest_remainder_shares_out_the_budget_in_proportion()
    {
        // 7 images over sizes 5:3:2 -> exact 3.5, 2.1, 1.4 -> floors 3, 2, 1, one left for
        // the largest remainder (class 0).
        Assert.Equal([4, 2, 1], LabelSubset.Quotas([500, 300, 200], LabelBudget.Parse("7")));
        // 1 % of 1,000 = 10 -> exactly 5, 3, 2.
        Assert.Equal([5, 3, 2], LabelSubset.Quotas([500, 300, 200], LabelBudget.Parse("1%")));
        // Equal remainders (1/3 each, one image left) go to the lowest class.
        Assert.Equal([2, 1, 1], LabelSubset.Quotas([3, 3, 3], LabelBudget.Parse("4")));
    }

    [Fact]
    public void Selects_the_quota_of_each_class_in_ascending_order_without_repeats()
    {
        int[] subset = LabelSubset.Select(Labels, LabelBudget.Parse("10%"), seed: 7);

        Assert.Equal(100, subset.Length);
        Assert.Equal(subset.Order(), subset);
        Assert.Equal(subset.Length, subset.Distinct().Count());
        var perClass = subset.GroupBy(i => Labels[i]).OrderBy(g => g.Key).Select(g => g.Count());
        Assert.Equal([50, 30, 20], perClass);
    }

    [Fact]
    public void Per_class_budgets_take_the_same_count_from_every_class()
    {
        int[] subset = LabelSubset.Select(Labels, LabelBudget.Parse("20/class"), seed: 1);

        Assert.Equal([20, 20, 20], subset.GroupBy(i => Labels[i]).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    [Fact]
    public void A_seed_names_one_subset_and_growing_budgets_are_nested()
    {
        int[] small = LabelSubset.Select(Labels, LabelBudget.Parse("1%"), seed: 3);
        int[] large = LabelSubset.Select(Labels, LabelBudget.Parse("10%"), seed: 3);

        Assert.Equal(small, LabelSubset.Select(Labels, LabelBudget.Parse("1%"), seed: 3));
        Assert.NotEqual(small, LabelSubset.Select(Labels, LabelBudget.Parse("1%"), seed: 4));
        Assert.Subset(large.ToHashSet(), small.ToHashSet());
        Assert.Equal(Enumerable.Range(0, 1000), LabelSubset.Select(Labels, LabelBudget.Parse("100%"), seed: 3));
    }

    [Fact]
    public void Budgets_larger_than_the_data_are_refused_by_name()
    {
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(
            () => LabelSubset.Select(Labels, LabelBudget.Parse("1001"), 0));
        Assert.StartsWith("Label budget 1001 asks for 1,001 images; the labelled set holds 1,000.", tooMany.Message);
        var perClass = Assert.Throws<ArgumentOutOfRangeException>(
            () => LabelSubset.Select(Labels, LabelBudget.Parse("250/class"), 0));
        Assert.StartsWith("Label budget 250/class: class 2 has only 200 labelled images.", perClass.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelSubset.Select([0, -1], LabelBudget.Parse("1"), 0));
    }

    [Fact]
    public void The_probe_per_budget_is_fitted_on_the_subset_and_scored_on_the_whole_test_set()
    {
        var (train, trainLabels) = SeparableClusters.Create(classes: 4, perClass: 50, dimension: 8, seed: 1);
        var (test, testLabels) = SeparableClusters.Create(classes: 4, perClass: 25, dimension: 8, seed: 2);

        var points = LabelEfficiencyProbe.Run(train, trainLabels, test, testLabels,
            LabelBudget.ParseList("2/class,10%,100%"), seed: 5);

        Assert.Equal(["2/class", "10%", "100%"], points.Select(p => p.Budget.ToString()));
        Assert.Equal([8, 20, 200], points.Select(p => p.Images));
        Assert.All(points, p => Assert.Equal(1.0, p.Accuracy)); // the clusters are 5 apart with noise 0.3
    }

    [Fact]
    public void Rows_copies_the_selected_rows_in_order()
    {
        var matrix = EmbeddingMatrix.FromRows([[1, 2], [3, 4], [5, 6]]);

        Assert.Equal([5f, 6f, 1f, 2f], matrix.Rows([2, 0]).Values.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Rows([3]));
    }
}
