using AavaeMlNet.PyTorch;
using AavaeMlNet.Training;

namespace AavaeMlNet.Cli.Jobs;

/// <summary>
/// `aavae export-pytorch`: the encoder, projection head and log_scale of a TorchSharp checkpoint as a state_dict
/// with the reference implementation's names.
/// </summary>
public static class ExportPyTorchJob
{
    /// <summary>The number of tensors written and the reference settings that build the matching model.</summary>
    public static (int Tensors, string ReferenceArguments) Run(string? checkpoint, string? model, string output)
    {
        using var loaded = CheckpointModel.Load(checkpoint, model);
        string path = Path.GetFullPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        int tensors = ReferenceImporter.Export(loaded.Model, path);
        return (tensors, ReferenceImporter.ReferenceArguments(loaded.Model.Config));
    }
}
