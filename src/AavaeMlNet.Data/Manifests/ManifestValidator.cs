using System.Text.RegularExpressions;

namespace AavaeMlNet.Data.Manifests;

/// <summary>Semantic checks of a parsed manifest; each error names the field by its JSON path.</summary>
internal static partial class ManifestValidator
{
    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex Md5Pattern();

    public static List<string> Validate(DatasetManifest m)
    {
        var errors = new List<string>();
        void Check(bool ok, string field, string expected)
        {
            if (!ok)
            {
                errors.Add($"field '{field}': {expected}");
            }
        }
        void CheckSums(ManifestChecksum? c, string field)
        {
            if (c is null)
            {
                return;
            }
            Check(c.Size is null or >= 0, field + ".size", $"expected a non-negative byte count, got {c.Size}");
            Check(c.Sha256 is null || Sha256Pattern().IsMatch(c.Sha256), field + ".sha256",
                $"expected 64 lowercase hexadecimal digits, got '{c.Sha256}'");
            Check(c.Md5 is null || Md5Pattern().IsMatch(c.Md5), field + ".md5",
                $"expected 32 lowercase hexadecimal digits, got '{c.Md5}'");
        }

        Check(!string.IsNullOrWhiteSpace(m.Name), "$.name", "expected a non-empty name");
        Check(DatasetManifest.Formats.Contains(m.Format), "$.format",
            $"expected one of {string.Join(", ", DatasetManifest.Formats)}, got '{m.Format}'");
        Check(m.Image.Channels is 1 or 3, "$.image.channels", $"expected 1 or 3, got {m.Image.Channels}");
        Check(m.Image.Height > 0, "$.image.height", $"expected a positive number, got {m.Image.Height}");
        Check(m.Image.Width > 0, "$.image.width", $"expected a positive number, got {m.Image.Width}");
        Check(m.ClassNames.Count > 0 && m.ClassNames.All(n => !string.IsNullOrWhiteSpace(n)), "$.classNames",
            "expected at least one non-empty class name");
        Check(DatasetManifest.AugmentationPresets.Contains(m.AugmentationPreset), "$.augmentationPreset",
            $"expected one of {string.Join(", ", DatasetManifest.AugmentationPresets)}, got '{m.AugmentationPreset}'");

        for (int i = 0; i < m.Downloads.Count; i++)
        {
            var d = m.Downloads[i];
            string f = $"$.downloads[{i}]";
            Check(Uri.TryCreate(d.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", f + ".url",
                $"expected an absolute http(s) address, got '{d.Url}'");
            Check(IsPlainFileName(d.FileName), f + ".fileName",
                $"expected a plain file name without folders, got '{d.FileName}'");
            Check(d.Extract is "none" or "gzip" or "tar.gz", f + ".extract",
                $"expected none, gzip or tar.gz, got '{d.Extract}'");
            CheckSums(d.Checksum, f);
        }

        Check(m.Files.Count > 0, "$.files", "expected at least one file");
        for (int i = 0; i < m.Files.Count; i++)
        {
            var file = m.Files[i];
            string f = $"$.files[{i}]";
            Check(IsSafeRelativePath(file.Path), f + ".path",
                $"expected a relative '/'-separated path without '..', got '{file.Path}'");
            CheckSums(new ManifestChecksum { Size = file.Size, Sha256 = file.Sha256, Md5 = file.Md5 }, f);
            for (int a = 0; a < file.Alternatives.Count; a++)
            {
                CheckSums(file.Alternatives[a], $"{f}.alternatives[{a}]");
            }
            CheckSums(file.Payload, f + ".payload");
            Check(file.Payload is null || file.Path.EndsWith(".gz", StringComparison.Ordinal), f + ".payload",
                "a payload is only meaningful for a .gz file");
        }
        Check(m.Files.Select(f => f.Path).Distinct().Count() == m.Files.Count, "$.files", "expected distinct paths");

        var subsetNames = new HashSet<string>();
        for (int i = 0; i < m.Subsets.Count; i++)
        {
            var s = m.Subsets[i];
            string f = $"$.subsets[{i}]";
            Check(subsetNames.Add(s.Name), f + ".name", $"subset name '{s.Name}' is used twice");
            Check(s.Count > 0, f + ".count", $"expected a positive record count, got {s.Count}");
            foreach (var path in s.Files)
            {
                Check(m.Files.Any(x => x.Path == path), f + ".files", $"'{path}' is not listed in $.files");
            }
        }

        var partNames = new HashSet<string>();
        for (int i = 0; i < m.Splits.Count; i++)
        {
            var split = m.Splits[i];
            string f = $"$.splits[{i}]";
            var subset = m.Subsets.FirstOrDefault(s => s.Name == split.Subset);
            Check(subset is not null, f + ".subset", $"'{split.Subset}' is not a subset name");
            Check(split.Parts.Count > 0, f + ".parts", "expected at least one part");
            for (int p = 0; p < split.Parts.Count; p++)
            {
                Check(partNames.Add(split.Parts[p].Name), $"{f}.parts[{p}].name",
                    $"part name '{split.Parts[p].Name}' is used twice");
                Check(split.Parts[p].Count > 0, $"{f}.parts[{p}].count",
                    $"expected a positive count, got {split.Parts[p].Count}");
            }
            long total = split.Parts.Sum(p => (long)p.Count);
            Check(subset is null || total <= subset.Count, f + ".parts",
                $"the parts hold {total} records, more than subset '{split.Subset}' has ({subset?.Count})");
        }

        int channels = m.Image.Channels;
        Check(m.Normalization.Mean.Count == channels, "$.normalization.mean",
            $"expected {channels} values (one per channel), got {m.Normalization.Mean.Count}");
        Check(m.Normalization.Std.Count == channels, "$.normalization.std",
            $"expected {channels} values (one per channel), got {m.Normalization.Std.Count}");
        Check(m.Normalization.Std.All(s => s > 0), "$.normalization.std", "expected positive values");
        return errors;
    }

    internal static bool IsPlainFileName(string name) =>
        !string.IsNullOrEmpty(name) && name is not ("." or "..") && name.IndexOfAny(['/', '\\', '\0']) < 0;

    internal static bool IsSafeRelativePath(string path) =>
        !string.IsNullOrEmpty(path) && !path.StartsWith('/') && !path.Contains('\\') && !path.Contains(':')
        && path.Split('/').All(IsPlainFileName);
}
