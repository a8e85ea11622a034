using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Onnx;

namespace AavaeMlNet.Evaluation.Baselines;

/// <summary>
/// One of ML.NET's pretrained ImageNet networks for <c>DnnFeaturizeImage</c>: the NuGet package that ships it, the
/// files the package copies into an application's <c>DnnImageModels</c> folder, and its model selector. ML.NET
/// publishes siblings (ResNet-50, ResNet-101, AlexNet) the same way; a sibling becomes a baseline by referencing its
/// package and adding one entry to <see cref="All"/>.
/// </summary>
/// <param name="Id">Identifier of the baseline ("imagenet-resnet18").</param>
/// <param name="Name">Name in reports.</param>
/// <param name="Package">The NuGet package that ships the model files.</param>
/// <param name="Files">The model files, relative to the DnnImageModels folder.</param>
/// <param name="Dimension">Length of the features (the network's pooled output).</param>
/// <param name="Select">The package's selector: (selector, context, output column, input column, model folder).</param>
public sealed record ImageNetModel(string Id, string Name, string Package, IReadOnlyList<string> Files, int Dimension,
    Func<DnnImageModelSelector, MLContext, string, string, string, EstimatorChain<ColumnCopyingTransformer>> Select)
{
    /// <summary>ResNet-18 trained on ImageNet: 512 features per image (Microsoft.ML.DnnImageFeaturizer.ResNet18).
    /// </summary>
    public static ImageNetModel ResNet18 { get; } = new("imagenet-resnet18", "ImageNet ResNet-18 (ML.NET featurizer)",
        "Microsoft.ML.DnnImageFeaturizer.ResNet18",
        [Path.Combine("ResNetPrepOnnx", "ResNetPreprocess.onnx"), Path.Combine("ResNet18Onnx", "ResNet18.onnx")], 512,
        (selector, ml, output, input, folder) => selector.ResNet18(ml, output, input, folder));

    /// <summary>The ImageNet featurizers this build references.</summary>
    public static IReadOnlyList<ImageNetModel> All { get; } = [ResNet18];
}
