using System.Globalization;
using AavaeMlNet.Evaluation.LabelEfficiency;
using AavaeMlNet.Evaluation.Plots;

namespace AavaeMlNet.Evaluation.Reports;

/// <summary>
/// What one representation (an AAVAE embedding or a baseline) scored and cost in a comparison: the same probes, label
/// budgets and kNN for every row, with the embedding speed measured in the same run.
/// </summary>
/// <param name="Name">Name in the report ("raw pixels", "ImageNet ResNet-18 (ML.NET featurizer)", a model).</param>
/// <param name="EmbeddingSize">Length of one embedding.</param>
/// <param name="ModelBytes">Bytes of the model an application ships to embed (0: none).</param>
/// <param name="ImagesPerSecond">Embedding speed measured in this run; null where nothing is computed (raw pixels).
/// </param>
/// <param name="ProbeAccuracy">The linear probe on all labelled images.</param>
/// <param name="LabelEfficiency">The linear probe per label budget, in the order of the budgets.</param>
/// <param name="Knn">kNN accuracy per neighbour count.</param>
public sealed record RepresentationScore(string Name, int EmbeddingSize, long ModelBytes, double? ImagesPerSecond,
    double ProbeAccuracy, IReadOnlyList<LabelEfficiencyPoint> LabelEfficiency,
    IReadOnlyList<(int K, double Accuracy)> Knn)
{
    /// <summary>The L2 weight of the all-labels probe, where it was chosen or set.</summary>
    public float? ProbeL2 { get; init; }

    /// <summary>The baseline's identifier ("raw", "imagenet-resnet18"); null for a learned model.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// The comparison table: one row per representation, accuracy per label budget and with all labels, kNN,
    /// embedding size, model size and images/s.
    /// </summary>
    public static ReportTable Table(IReadOnlyList<RepresentationScore> scores, int allLabels, string caption)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var first = scores.FirstOrDefault();
        IReadOnlyList<string> columns =
        [
            "representation",
            .. (first?.LabelEfficiency ?? []).Select(p => $"{p.Images:N0} labels"),
            $"{allLabels:N0} labels (all)",
            .. (first?.Knn ?? []).Select(k => $"kNN k={k.K}"),
            "embedding size", "model size", "images/s",
        ];
        return new ReportTable(caption, columns, [.. scores.Select(score => (IReadOnlyList<string>)
        [
            score.Name,
            .. score.LabelEfficiency.Select(p => Percent(p.Accuracy)),
            Percent(score.ProbeAccuracy),
            .. score.Knn.Select(k => Percent(k.Accuracy)),
            score.EmbeddingSize.ToString("N0", CultureInfo.InvariantCulture),
            score.ModelBytes == 0 ? "-" : $"{score.ModelBytes / 1048576.0:F1} MiB",
            score.ImagesPerSecond is { } rate ? rate.ToString("N0", CultureInfo.InvariantCulture) : "-",
        ])]);
    }

    /// <summary>The label-efficiency plot of every representation, the all-labels probe as each line's last point.
    /// </summary>
    public static void Plot(string path, IReadOnlyList<RepresentationScore> scores, int allLabels, string title) =>
        LabelEfficiencyPlot.Write(path,
            [.. scores.Select(score => (score.Name, (IReadOnlyList<(int, double)>)
                [.. score.LabelEfficiency.Select(p => (p.Images, p.Accuracy)), (allLabels, score.ProbeAccuracy)]))],
            title);

    private static string Percent(double accuracy) =>
        (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";
}
