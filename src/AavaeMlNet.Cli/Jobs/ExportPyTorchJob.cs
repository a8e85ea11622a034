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
        var c = loaded.Model.Config;
        string encoder = c.Depth switch
        {
            Model.Depth.ResNet18 => "resnet18",
            Model.Depth.ResNet34 => "resnet34",
            _ => c.BaseWidth switch { 128 => "resnet50w2", 256 => "resnet50w4", _ => "resnet50" },
        };
        bool conv3x3 = c.Stem == Model.Stem.Cifar;
        bool noMaxPool = c.Stem != Model.Stem.ImageNet;
        string arguments = $"--encoder_name {encoder} --h_dim {c.FeatureDim} --latent_dim {c.LatentDim} " +
                           $"--input_height {c.Height} --first_conv3x3 {conv3x3} --remove_first_maxpool {noMaxPool}";
        return (tensors, arguments);
    }
}
