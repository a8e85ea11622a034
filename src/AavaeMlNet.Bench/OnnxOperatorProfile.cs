using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace AavaeMlNet.Bench;

/// <summary>
/// Where ONNX Runtime spends an encoder's time, per operator type: the session's own profiler (kernel times of every
/// node, summed by operator over the runs) against the wall time of the runs, with the session options OnnxEncoder
/// uses. Says whether a faster embedding has to come from the convolution kernels or from the rest of the graph.
/// </summary>
internal static class OnnxOperatorProfile
{
    public static void Print(string label, byte[] model, float[] pixels, int batch, int runs)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"aavae-ort-profile-{Environment.ProcessId}");
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableProfiling = true,
            ProfileOutputPathPrefix = prefix,
        };
        using var session = new InferenceSession(model, options);
        var (input, metadata) = session.InputMetadata.Single();
        long[] shape = [batch, .. metadata.Dimensions.Skip(1).Select(d => (long)d)];
        string output = session.OutputMetadata.Keys.First();
        for (int i = 0; i < runs; i++)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(pixels, shape);
            using var run = new RunOptions();
            using var results = session.Run(run, [input], [value], [output]);
        }
        string file = session.EndProfiling();
        try
        {
            Print(label, file, batch, runs);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void Print(string label, string file, int batch, int runs)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var byOperator = new Dictionary<string, double>();
        double runMicroseconds = 0;
        foreach (var e in document.RootElement.EnumerateArray())
        {
            string category = e.GetProperty("cat").GetString() ?? "";
            string name = e.GetProperty("name").GetString() ?? "";
            double duration = e.TryGetProperty("dur", out var d) ? d.GetDouble() : 0;
            if (category == "Session" && name == "model_run") runMicroseconds += duration;
            if (category != "Node" || !name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            string op = e.GetProperty("args").GetProperty("op_name").GetString() ?? "?";
            byOperator[op] = byOperator.GetValueOrDefault(op) + duration;
        }
        double kernels = byOperator.Values.Sum();
        Console.WriteLine($"ONNX Runtime profile, {label}: {runs} runs of batch {batch}, " +
                          $"{runs * batch / (runMicroseconds / 1e6):F1} images/s while profiled, kernels " +
                          $"{kernels / runMicroseconds:P1} of the runs' wall time");
        foreach (var (op, time) in byOperator.OrderByDescending(p => p.Value))
            Console.WriteLine($"  {op,-28} {time / kernels,8:P1} of kernel time");
    }
}
