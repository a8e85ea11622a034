using AavaeMlNet.BatchEmbedding;
using AavaeMlNet.Io;
using AavaeMlNet.MLNet;
using Microsoft.ML;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// The files every command writes for a trained model: X.zip (the ML.NET model, scored without TorchSharp), X.onnx
/// beside it (the encoder exported with a batch dimension, which `embed`, `evaluate` and `inspect` run a chunk per
/// call) and the TorchSharp checkpoint (for continued pretraining and the analyses); on request X.int8.onnx, the
/// encoder in int8 (`embed --int8`). Each write is atomic.
/// </summary>
internal static class ModelFiles
{
    /// <param name="int8Calibration">Images in the transformer's input column to calibrate the int8 encoder on (its
    /// first <see cref="AavaeTransformer.DefaultInt8CalibrationImages"/>); null writes no int8 encoder.</param>
    public static void Write(MLContext ml, ITransformer model, DataViewSchema schema, AavaeTransformer aavae,
        string modelPath, string checkpointPath, IDataView? int8Calibration = null)
    {
        AtomicFile.Write(modelPath, stream => ml.Model.Save(model, schema, stream));
        AtomicFile.Write(ModelEmbedder.OnnxPathOf(modelPath), stream => aavae.ExportOnnx(stream));
        if (int8Calibration is not null)
            AtomicFile.Write(ModelEmbedder.Int8OnnxPathOf(modelPath),
                stream => aavae.ExportOnnxInt8(stream, int8Calibration));
        aavae.SaveCheckpoint(checkpointPath);
    }

    /// <summary>The int8 encoder beside <paramref name="modelPath"/>; a missing one is an error that says how to write
    /// it.</summary>
    public static string Int8EncoderOf(string modelPath)
    {
        string path = ModelEmbedder.Int8OnnxPathOf(Path.GetFullPath(modelPath));
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"No int8 encoder '{path}' beside the model: write it with `aavae pretrain --int8`, or leave out " +
                "--int8.", path);
        return path;
    }
}
