namespace AavaeMlNet.Data.Download;

/// <summary>The outcome of <see cref="DatasetVerifier.Verify"/>: every problem found, not just the first.</summary>
/// <param name="Directory">The directory that was checked.</param>
/// <param name="Problems">Every missing, wrong-size or wrong-checksum file.</param>
public sealed record VerificationResult(string Directory, IReadOnlyList<FileProblem> Problems)
{
    /// <summary>True when no file has a problem.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>All problems, one per line.</summary>
    public override string ToString() =>
        IsValid
            ? $"All files in '{Directory}' verified."
            : string.Join(Environment.NewLine, Problems.Select(p => p.Message));
}
