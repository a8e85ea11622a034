using System.Diagnostics;
using AavaeMlNet.Data.Download;
using AavaeMlNet.Data.Manifests;

namespace AavaeMlNet.Data.Locators;

/// <summary>
/// Finds Fashion-MNIST on this machine: a given directory first, then the Debian package
/// dataset-fashion-mnist's /usr/share/datasets/fashion-mnist; can install that package or fall back
/// to the official download described by the built-in fashion-mnist manifest.
/// </summary>
public static class FashionMnistLocator
{
    /// <summary>Where the Debian package dataset-fashion-mnist installs the gzip'd IDX files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian package name.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>The ten class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// The four files in <paramref name="directory"/> if it has all of them (.gz preferred over raw), else null.
    /// </summary>
    public static FashionMnistFiles? FindIn(string directory)
    {
        string? Pick(string stem) =>
            new[] { stem + ".gz", stem }.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
        string? trainImages = Pick("train-images-idx3-ubyte"), trainLabels = Pick("train-labels-idx1-ubyte");
        string? testImages = Pick("t10k-images-idx3-ubyte"), testLabels = Pick("t10k-labels-idx1-ubyte");
        return trainImages is null || trainLabels is null || testImages is null || testLabels is null
            ? null
            : new FashionMnistFiles(directory, trainImages, trainLabels, testImages, testLabels);
    }

    /// <summary>Looks in <paramref name="directory"/> (when given), then in <see cref="DebianDirectory"/>.</summary>
    public static FashionMnistFiles? Find(string? directory = null) =>
        (directory is null ? null : FindIn(directory)) ?? FindIn(DebianDirectory);

    /// <summary>
    /// Finds the data, or gets it: when missing and <paramref name="allowAptInstall"/> is set and this
    /// process runs as root with apt-get available, runs "apt-get install -y dataset-fashion-mnist" (after
    /// "apt-get update" when the package lists do not know it yet); otherwise (or if that fails) downloads the
    /// official files of the built-in manifest into <paramref name="downloadDirectory"/>. Every step is reported
    /// through <paramref name="log"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The download did not verify.</exception>
    public static async Task<FashionMnistFiles> EnsureAsync(string downloadDirectory, Action<string>? log = null,
        bool allowAptInstall = true, DatasetFetcher? fetcher = null, CancellationToken cancellationToken = default)
    {
        log ??= _ => { };
        var found = Find(downloadDirectory);
        if (found is not null)
        {
            log($"Fashion-MNIST found in '{found.Directory}'.");
            return found;
        }
        if (allowAptInstall && Environment.IsPrivilegedProcess && File.Exists("/usr/bin/apt-get"))
        {
            log($"Fashion-MNIST not found; running 'apt-get install -y {DebianPackage}' (root) " +
                $"to install it into {DebianDirectory}.");
            Task<int> Apt(params string[] arguments) => RunAsync("apt-get", arguments, log, cancellationToken);
            int code = await Apt("install", "-y", DebianPackage).ConfigureAwait(false);
            found = FindIn(DebianDirectory);
            if (code != 0 && found is null)
            {
                // A fresh machine's package lists may predate the package: refresh them once and retry.
                log($"apt-get does not know {DebianPackage} yet; running 'apt-get update' and retrying.");
                code = await Apt("update").ConfigureAwait(false);
                if (code == 0) code = await Apt("install", "-y", DebianPackage).ConfigureAwait(false);
                found = FindIn(DebianDirectory);
            }
            if (found is not null)
            {
                log($"Installed {DebianPackage}; using '{found.Directory}'.");
                return found;
            }
            log($"apt-get exited with code {code} and {DebianDirectory} is still incomplete; " +
                "falling back to the official download.");
        }
        var manifest = DatasetManifest.LoadBuiltIn("fashion-mnist");
        log($"Downloading Fashion-MNIST into '{downloadDirectory}' from its official site, " +
            "checking sizes and checksums.");
        using var own = fetcher is null ? new DatasetFetcher() : null;
        var result = await (fetcher ?? own!).FetchAsync(manifest, downloadDirectory, null, cancellationToken)
            .ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw new InvalidDataException(
                $"Fashion-MNIST in '{downloadDirectory}' did not verify after download:{Environment.NewLine}{result}");
        }
        return FindIn(downloadDirectory) ?? throw new InvalidDataException(
            $"Fashion-MNIST files are missing from '{downloadDirectory}' after download.");
    }

    private static async Task<int> RunAsync(string program, string[] arguments, Action<string> log,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(start)
                ?? throw new InvalidOperationException($"Could not start '{program}'.");
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log(e.Data); } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            log($"Could not run '{program}': {ex.Message}");
            return -1;
        }
    }
}
