namespace AavaeMlNet.Evaluation.Reports;

/// <summary>One evaluated representation under one protocol.</summary>
/// <param name="Model">What produced the embeddings, e.g. "AAVAE r18 800 ep".</param>
/// <param name="Protocol">How it was read out, e.g. "linear probe (L-BFGS)", "kNN k=200".</param>
/// <param name="Accuracy">Top-1 accuracy in [0, 1].</param>
/// <param name="Notes">Free text shown in the summary's last column (optional).</param>
public sealed record EvaluationResult(string Model, string Protocol, double Accuracy, string? Notes = null);

/// <summary>A plot shown in the markdown summary.</summary>
/// <param name="Caption">Alt text and caption.</param>
/// <param name="File">Path of the image relative to the report.</param>
public sealed record ReportFigure(string Caption, string File);

/// <summary>A table shown in the markdown summary after the results.</summary>
/// <param name="Caption">The line above the table.</param>
/// <param name="Columns">Column headers.</param>
/// <param name="Rows">Cells, one list per row, as many as <paramref name="Columns"/>.</param>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>Everything a run reports: results, scalar metrics (e.g. block contrast) and the settings used.</summary>
/// <param name="Title">Heading of the markdown summary.</param>
/// <param name="Dataset">The evaluated data set, e.g. "Fashion-MNIST test (10,000)".</param>
/// <param name="Results">One row per (model, protocol).</param>
/// <param name="Metrics">Other named numbers (e.g. "blockContrast"); may be empty.</param>
/// <param name="Settings">Named settings that reproduce the run (seed, epochs, ...); may be empty.</param>
public sealed record EvaluationReport(
    string Title,
    string Dataset,
    IReadOnlyList<EvaluationResult> Results,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>Plots shown after the results table, in order; may be empty.</summary>
    public IReadOnlyList<ReportFigure> Figures { get; init; } = [];

    /// <summary>Tables shown between the results and the figures (for example a comparison); may be empty.</summary>
    public IReadOnlyList<ReportTable> Tables { get; init; } = [];
}
