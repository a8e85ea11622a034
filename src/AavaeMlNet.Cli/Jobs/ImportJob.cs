using AavaeMlNet.Io;
using AavaeMlNet.MLNet;
using AavaeMlNet.PyTorch;
using Microsoft.ML;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>What `aavae import` wrote.</summary>
public sealed record ImportJobResult(string Model, string Checkpoint, int EmbeddingSize, IReadOnlyList<string> Notes);

/// <summary>
/// `aavae import`: a checkpoint of the paper's reference implementation to model.zip (ONNX inside, as a
/// natively trained model) plus encoder.ckpt beside it (for embed --checkpoint, inspect and continued pretraining).
/// </summary>
public static class ImportJob
{
    public static ImportJobResult Run(string checkpoint, string output, PyTorchImportOptions options)
    {
        var ml = new MLContext(0);
        var import = ReferenceImporter.Import(checkpoint, options.Reference);
        using var transformer = ml.Transforms.ImportAavaePyTorch(import, options);
        var schema = transformer.InputSchema;

        string model = Path.GetFullPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        string native = Path.Combine(Path.GetDirectoryName(model)!, "encoder.ckpt");
        ModelFiles.Write(ml, transformer, schema, transformer, model, native);
        return new ImportJobResult(model, native, transformer.EmbeddingSize, import.Notes);
    }
}
