using System.Formats.Tar;
using System.IO.Compression;
using AavaeMlNet.Io;

namespace AavaeMlNet.Data.Download;

/// <summary>
/// Extracts .tar.gz and .gz archives without letting them write outside the target directory.
/// A tar entry with an absolute path, a '..' component, or a symbolic or hard link whose target
/// leaves the directory is refused with an <see cref="InvalidDataException"/>; so are devices and
/// FIFOs. Everything is first extracted into a hidden staging folder inside the target and moved into
/// place only when the whole archive has been read, so a refused archive leaves nothing behind.
/// </summary>
public static class SafeArchiveExtractor
{
    /// <summary>
    /// Extracts a gzip'd tar archive into <paramref name="directory"/>; returns the relative paths of the files placed.
    /// </summary>
    public static IReadOnlyList<string> ExtractTarGz(string archivePath, string directory,
        CancellationToken cancellationToken = default)
    {
        string root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        string staging = Path.Combine(root, $".extract-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        var placed = new List<string>();
        try
        {
            var files = new List<string>();
            var links = new List<(string Path, string Target, bool Symbolic)>();
            using (var file = File.OpenRead(archivePath))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                TarEntry? entry;
                while ((entry = tar.GetNextEntry()) is not null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    string relative = CheckedRelativePath(archivePath, entry.Name, root);
                    switch (entry.EntryType)
                    {
                        case TarEntryType.Directory:
                            Directory.CreateDirectory(Path.Combine(staging, relative));
                            break;
                        case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                            string target = Path.Combine(staging, relative);
                            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                            entry.ExtractToFile(target, overwrite: true);
                            files.Add(relative);
                            break;
                        case TarEntryType.SymbolicLink:
                            string linkDir = Path.GetDirectoryName(Path.Combine(root, relative))!;
                            string linkTarget = Path.IsPathRooted(entry.LinkName)
                                ? entry.LinkName
                                : Path.Combine(linkDir, entry.LinkName);
                            CheckInside(archivePath, entry.Name, entry.LinkName, root, linkTarget);
                            links.Add((relative, entry.LinkName, true));
                            break;
                        case TarEntryType.HardLink:
                            CheckInside(archivePath, entry.Name, entry.LinkName, root,
                                Path.Combine(root, entry.LinkName));
                            links.Add((relative, CheckedRelativePath(archivePath, entry.LinkName, root), false));
                            break;
                        case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                            break;
                        default:
                            throw new InvalidDataException(
                                $"Archive '{archivePath}': entry '{entry.Name}' has type {entry.EntryType}; " +
                                "only files, folders and links inside the target are extracted.");
                    }
                }
            }
            foreach (string relative in files)
            {
                string target = Path.Combine(root, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(Path.Combine(staging, relative), target, overwrite: true);
                placed.Add(relative);
            }
            foreach (var (relative, target, symbolic) in links)
            {
                string path = Path.Combine(root, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Delete(path);
                if (symbolic)
                {
                    File.CreateSymbolicLink(path, target);
                }
                else
                {
                    File.Copy(Path.Combine(root, target), path);
                }
                placed.Add(relative);
            }
            return placed;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Decompresses a .gz file to <paramref name="destination"/> through a temporary file and an atomic move.
    /// </summary>
    public static void ExtractGzip(string gzipPath, string destination, CancellationToken cancellationToken = default)
    {
        try
        {
            using var input = File.OpenRead(gzipPath);
            AtomicFile.Write(destination, output =>
            {
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                gzip.CopyToAsync(output, cancellationToken).GetAwaiter().GetResult();
            });
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"File '{gzipPath}' is not valid gzip data: {ex.Message}", ex);
        }
    }

    /// <summary>The entry's path relative to the target, refusing absolute paths and '..' components.</summary>
    private static string CheckedRelativePath(string archive, string name, string root)
    {
        string normalized = name.Replace('\\', '/');
        if (normalized.StartsWith('/') || Path.IsPathRooted(name) || normalized.Split('/').Contains(".."))
        {
            throw new InvalidDataException(
                $"Archive '{archive}': entry '{name}' has an absolute path or a '..' component; " +
                $"refusing to extract outside '{root}'.");
        }
        string relative = string.Join('/', normalized.Split('/').Where(p => p.Length > 0 && p != "."));
        if (relative.Length == 0)
        {
            throw new InvalidDataException($"Archive '{archive}': entry '{name}' has an empty path.");
        }
        CheckInside(archive, name, name, root, Path.Combine(root, relative));
        return relative;
    }

    private static void CheckInside(string archive, string entry, string linkOrName, string root, string candidate)
    {
        string full = Path.GetFullPath(candidate);
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"Archive '{archive}': entry '{entry}' points to '{linkOrName}', which leads outside '{root}'; " +
                "refusing to extract.");
        }
    }
}
