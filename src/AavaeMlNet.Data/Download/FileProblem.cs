namespace AavaeMlNet.Data.Download;

/// <summary>One file that failed verification.</summary>
/// <param name="Path">Path relative to the data set directory, as in the manifest.</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Message">A sentence naming the file, what was expected and what was found.</param>
public sealed record FileProblem(string Path, FileProblemKind Kind, string Message);
