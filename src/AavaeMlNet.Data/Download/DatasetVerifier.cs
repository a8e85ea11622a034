using AavaeMlNet.Data.Manifests;

namespace AavaeMlNet.Data.Download;

/// <summary>Checks a data set directory against its manifest.</summary>
public static class DatasetVerifier
{
    /// <summary>
    /// Checks every file of <paramref name="manifest"/> under <paramref name="directory"/> and lists every
    /// missing, wrong-size or wrong-checksum file. A file passes when it matches the official checksums or
    /// any alternative; a .gz file with a payload also passes when its decompressed content matches the
    /// payload, and a missing .gz passes when the decompressed file (same name without .gz) matches it.
    /// </summary>
    public static VerificationResult Verify(string directory, DatasetManifest manifest,
        CancellationToken cancellationToken = default)
    {
        var problems = new List<FileProblem>();
        foreach (var file in manifest.Files)
        {
            var problem = VerifyFile(directory, file, cancellationToken);
            if (problem is not null)
            {
                problems.Add(problem);
            }
        }
        return new VerificationResult(directory, problems);
    }

    private static FileProblem? VerifyFile(string directory, ManifestFile file, CancellationToken cancellationToken)
    {
        string full = Path.Combine(directory, file.Path);
        if (!File.Exists(full))
        {
            string raw = file.Payload is null ? full : full[..^".gz".Length];
            if (file.Payload is not null && File.Exists(raw))
            {
                var actual = FileChecksums.Compute(raw, false, cancellationToken);
                string decompressed = file.Path + " (decompressed as " + Path.GetFileName(raw) + ")";
                return actual.Matches(file.Payload) ? null : Mismatch(decompressed, [file.Payload], actual);
            }
            return new FileProblem(file.Path, FileProblemKind.Missing, $"File '{full}' is missing.");
        }
        var accepted = file.AcceptedChecksums().ToList();
        long length = new FileInfo(full).Length;
        bool sizeMatches = accepted.Any(c => c.Size is null || c.Size == length);
        if (sizeMatches)
        {
            if (accepted.Any(c => c.IsEmpty))
            {
                return null;
            }
            var actual = FileChecksums.Compute(full, false, cancellationToken);
            if (accepted.Any(actual.Matches))
            {
                return null;
            }
        }
        if (file.Payload is not null && IsGzip(full))
        {
            try
            {
                if (FileChecksums.Compute(full, true, cancellationToken).Matches(file.Payload))
                {
                    return null;
                }
            }
            catch (InvalidDataException)
            {
                // Not valid gzip: reported below as a plain mismatch.
            }
        }
        return sizeMatches
            ? Mismatch(file.Path, accepted, FileChecksums.Compute(full, false, cancellationToken), full)
            : new FileProblem(file.Path, FileProblemKind.WrongSize,
                $"File '{full}' has {length} bytes, expected " +
                $"{string.Join(" or ", accepted.Where(c => c.Size is not null).Select(c => c.Size))}.");
    }

    private static FileProblem Mismatch(string path, IEnumerable<ManifestChecksum> accepted, FileChecksums actual,
        string? full = null) =>
        new(path,
            accepted.Any(c => c.Size is null || c.Size == actual.Size)
                ? FileProblemKind.WrongChecksum
                : FileProblemKind.WrongSize,
            $"File '{full ?? path}' has {actual}; expected {string.Join(" or ", accepted)}.");

    private static bool IsGzip(string path)
    {
        using var stream = File.OpenRead(path);
        return stream.ReadByte() == 0x1F && stream.ReadByte() == 0x8B;
    }
}
