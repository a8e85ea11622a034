using System.Diagnostics;
using AavaeMlNet.Data.DataView;
using AavaeMlNet.Data.Readers;
using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Pixels;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Bench;

/// <summary>
/// `aavae embed` over large folders of small image files, as a batch job meets them: the time to list the folder, the
/// job's images/s against the library embedding the same images from memory, the job's peak memory at each folder
/// size (it must stay flat as the folder grows), and, on the largest folder, a SIGKILL in the middle of the job
/// followed by a rerun whose output must equal a clean run's row for row.
/// </summary>
internal static class LargeFolderBench
{
    public static async Task RunAsync(BenchConfiguration configuration, string idxPath, string root,
        IReadOnlyList<int> sizes, string cli)
    {
        if (!File.Exists(idxPath))
            throw new ArgumentException($"IDX file '{idxPath}' not found: pass --idx PATH (Fashion-MNIST's train).");
        if (!File.Exists(cli))
            throw new ArgumentException($"'{cli}' not found: build the CLI (dotnet build -c Release) or pass --cli.");
        var source = new IdxSource(idxPath);
        var data = source.ToDataView();
        Directory.CreateDirectory(root);
        string model = Path.Combine(root, "model.zip");
        using var transformer = CliEmbeddingBench.SaveModel(configuration, data, model);
        var memoryClock = Stopwatch.StartNew();
        long inMemory = transformer.Transform(data).GetColumn<float[]>("Embedding").LongCount();
        double inMemoryRate = inMemory / memoryClock.Elapsed.TotalSeconds;
        Console.WriteLine($"configuration {configuration.Name}; in-memory reference: AavaeTransformer over " +
            $"{inMemory:N0} IDX images, {inMemoryRate:N0} images/s; {Environment.ProcessorCount} cores");

        var rows = new List<string>();
        foreach (int size in sizes.Order())
        {
            string folder = Path.Combine(root, $"images-{size}");
            var generated = Generate(folder, size, source);
            var listClock = Stopwatch.StartNew();
            int listed = new ImageFolderSource(folder, new ImageFolderOptions { Channels = 1, Height = 28, Width = 28 })
                .Count;
            double listing = listClock.Elapsed.TotalSeconds;
            string clean = Path.Combine(root, $"clean-{size}.parquet");
            var run = Embed(cli, model, folder, clean, killAtPart: null);
            rows.Add($"| {size:N0} | {generated} | {listing:F2} s | {run.Seconds:F1} s | {listed / run.Seconds:N0} | " +
                $"{listed / run.Seconds / inMemoryRate:P0} | {run.PeakMiB:N0} MiB | clean run |");
            if (size != sizes.Max()) continue;
            string killed = Path.Combine(root, $"killed-{size}.parquet");
            var first = Embed(cli, model, folder, killed, killAtPart: run.Parts / 2);
            var rerun = Embed(cli, model, folder, killed, killAtPart: null);
            bool same = await SameRows(clean, killed);
            rows.Add($"| {size:N0} | | | {first.Seconds:F1} s + {rerun.Seconds:F1} s | | | " +
                $"{Math.Max(first.PeakMiB, rerun.PeakMiB):N0} MiB | SIGKILL at part {run.Parts / 2} of {run.Parts}, " +
                $"rerun: {(same ? "the same rows as the clean run" : "ROWS DIFFER FROM THE CLEAN RUN")} |");
        }
        Console.WriteLine(
            "| files | folder | listing | embed job | images/s | vs in-memory | peak memory (VmHWM) | run |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---|");
        foreach (string row in rows) Console.WriteLine(row);
    }

    // size PNG files (Fashion-MNIST's train images, cycled), 10 class folders; kept between runs.
    private static string Generate(string folder, int size, IdxSource source)
    {
        string done = Path.Combine(folder, ".complete");
        if (File.Exists(done)) return "kept";
        var clock = Stopwatch.StartNew();
        var images = source.Read().ToList();
        Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var image = images[i % images.Count];
            string directory = Path.Combine(folder, $"class{image.Label}");
            Directory.CreateDirectory(directory);
            var bgra = new byte[28 * 28 * 4];
            for (int p = 0; p < 28 * 28; p++)
            {
                bgra[4 * p] = bgra[4 * p + 1] = bgra[4 * p + 2] = image.PixelsChw[p];
                bgra[4 * p + 3] = 255;
            }
            using var png = MLImage.CreateFromPixels(28, 28, MLPixelFormat.Bgra32, bgra);
            png.Save(Path.Combine(directory, $"img{i:D7}.png"));
        });
        File.WriteAllText(done, "");
        return $"written in {clock.Elapsed.TotalSeconds:F0} s";
    }

    private sealed record JobRun(double Seconds, double PeakMiB, int Parts);

    // One `aavae embed` process; its peak resident memory is the kernel's high-water mark, sampled every 50 ms.
    private static JobRun Embed(string cli, string model, string folder, string output, int? killAtPart)
    {
        var start = new ProcessStartInfo("dotnet",
            [cli, "embed", "--model", model, "--input", folder, "--output", output, "--on-bad-image", "fail"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        double peak = 0;
        var sampler = Task.Run(async () =>
        {
            while (!process.HasExited)
            {
                peak = Math.Max(peak, HighWaterMiB(process.Id));
                await Task.Delay(50);
            }
        });
        var stderr = process.StandardError.ReadToEndAsync();
        int parts = 0;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith("part ", StringComparison.Ordinal)) continue;
            parts = int.Parse(line[(line.IndexOf('/') + 1)..line.IndexOf(' ', 5)]);
            if (killAtPart is { } k && line.StartsWith($"part {k}/", StringComparison.Ordinal))
                process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
        sampler.Wait();
        bool killed = killAtPart is not null;
        if (process.ExitCode != 0 && !killed)
            throw new InvalidOperationException($"aavae embed failed ({process.ExitCode}): {stderr.Result}");
        return new JobRun(clock.Elapsed.TotalSeconds, peak, parts);
    }

    private static double HighWaterMiB(int processId)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{processId}/status")
                .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line["VmHWM:".Length..].Replace("kB", "").Trim()) / 1024;
        }
        catch (IOException)
        {
            return 0; // the process ended between the check and the read
        }
    }

    private static async Task<bool> SameRows(string expected, string actual)
    {
        var a = EmbeddingFileFormat.Parquet.ReadAsync(expected, CancellationToken.None).GetAsyncEnumerator();
        var b = EmbeddingFileFormat.Parquet.ReadAsync(actual, CancellationToken.None).GetAsyncEnumerator();
        while (true)
        {
            bool moreA = await a.MoveNextAsync(), moreB = await b.MoveNextAsync();
            if (moreA != moreB) return false;
            if (!moreA) return true;
            if (a.Current.Index != b.Current.Index || a.Current.Path != b.Current.Path
                || !a.Current.Embedding.SequenceEqual(b.Current.Embedding))
                return false;
        }
    }
}
