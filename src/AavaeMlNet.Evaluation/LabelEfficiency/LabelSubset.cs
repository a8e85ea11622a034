using AavaeMlNet.Data.Splits;

namespace AavaeMlNet.Evaluation.LabelEfficiency;

/// <summary>
/// The labelled subset a probe is fitted on under a <see cref="LabelBudget"/>: stratified and seeded.
/// Algorithm (fixed, so that a seed names a subset): the images of class c, in index order, are shuffled by
/// <see cref="DatasetSplitter.Permutation"/> seeded with seed + c * 0x9E3779B97F4A7C15, and the class takes the first
/// q_c of them. Per-class budgets give q_c = N for every class present. Other budgets of B images share B out in
/// proportion to the class sizes by largest remainder (ties to the lower class). With one seed the subsets of growing
/// budgets are nested whenever the quotas grow, as they do for the usual tables.
/// </summary>
public static class LabelSubset
{
    /// <summary>
    /// The indices into <paramref name="labels"/> (classes 0..C-1) that the budget selects, ascending.
    /// </summary>
    public static int[] Select(IReadOnlyList<int> labels, LabelBudget budget, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(budget);
        var byClass = IndicesByClass(labels);
        var sizes = byClass.Select(members => members.Count).ToArray();
        int[] quotas = Quotas(sizes, budget);
        var selected = new List<int>();
        for (int c = 0; c < byClass.Length; c++)
        {
            var order = DatasetSplitter.Permutation(sizes[c], unchecked(seed + (ulong)c * 0x9E3779B97F4A7C15UL));
            selected.AddRange(order.Take(quotas[c]).Select(position => byClass[c][position]));
        }
        selected.Sort();
        return [.. selected];
    }

    /// <summary>Images taken from each class: the per-class count, or B shared out by largest remainder.</summary>
    public static int[] Quotas(IReadOnlyList<int> classSizes, LabelBudget budget)
    {
        ArgumentNullException.ThrowIfNull(classSizes);
        ArgumentNullException.ThrowIfNull(budget);
        int total = classSizes.Sum();
        int images = budget.ImagesOf(classSizes);
        if (images > total)
            throw new ArgumentOutOfRangeException(nameof(budget), budget.ToString(),
                $"Label budget {budget} asks for {images:N0} images; the labelled set holds {total:N0}.");
        if (budget.Kind == LabelBudgetKind.PerClass)
        {
            for (int c = 0; c < classSizes.Count; c++)
                if (classSizes[c] > 0 && classSizes[c] < budget.Value)
                    throw new ArgumentOutOfRangeException(nameof(budget), budget.ToString(),
                        $"Label budget {budget}: class {c} has only {classSizes[c]:N0} labelled images.");
            return [.. classSizes.Select(size => size > 0 ? (int)budget.Value : 0)];
        }
        var exact = classSizes.Select(size => (double)images * size / total).ToArray();
        var quotas = exact.Select(q => (int)Math.Floor(q)).ToArray();
        int left = images - quotas.Sum();
        var byRemainder = Enumerable.Range(0, exact.Length)
            .OrderByDescending(c => exact[c] - quotas[c]).ThenBy(c => c).Take(left);
        foreach (int c in byRemainder) quotas[c]++;
        return quotas;
    }

    private static List<int>[] IndicesByClass(IReadOnlyList<int> labels)
    {
        if (labels.Count == 0) throw new ArgumentException("Expected at least one labelled image.", nameof(labels));
        int classes = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0)
                throw new ArgumentOutOfRangeException(
                    nameof(labels), labels[i], $"Label {i} is negative; classes are 0..C-1.");
            classes = Math.Max(classes, labels[i] + 1);
        }
        var byClass = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < labels.Count; i++) byClass[labels[i]].Add(i);
        return byClass;
    }
}
