using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Io;
using AavaeMlNet.MLNet;
using Microsoft.ML;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// The files every command writes for a trained model: X.zip (the ML.NET model, scored without TorchSharp), X.onnx
/// beside it (the encoder exported with a batch dimension, which `embed`, `evaluate` and `inspect` run a chunk per
/// call) and the TorchSharp checkpoint (for continued pretraining and the analyses). Each write is atomic.
/// </summary>
internal static class ModelFiles
{
    public static void Write(MLContext ml, ITransformer model, DataViewSchema schema, AavaeTransformer aavae,
        string modelPath, string checkpointPath)
    {
        AtomicFile.Write(modelPath, stream => ml.Model.Save(model, schema, stream));
        AtomicFile.Write(ModelEmbedder.OnnxPathOf(modelPath), stream => aavae.ExportOnnx(stream));
        aavae.SaveCheckpoint(checkpointPath);
    }
}
