using Microsoft.ML.OnnxRuntime;

namespace AavaeMlNet.Onnx.Tests;

/// <summary>Runs an exported model with ONNX Runtime on one float input.</summary>
internal static class OnnxRunner
{
    public static Dictionary<string, (long[] Shape, float[] Values)> Run(InferenceSession session, string inputName,
        float[] input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        var outputNames = session.OutputNames;
        using var results = session.Run(runOptions, [inputName], [value], outputNames);
        var outputs = new Dictionary<string, (long[], float[])>();
        for (int i = 0; i < outputNames.Count; i++)
            outputs[outputNames[i]] =
                (results[i].GetTensorTypeAndShape().Shape, results[i].GetTensorDataAsSpan<float>().ToArray());
        return outputs;
    }

    public static float MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        return max;
    }
}
