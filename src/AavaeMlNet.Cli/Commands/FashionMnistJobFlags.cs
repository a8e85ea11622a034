using System.CommandLine;

namespace AavaeMlNet.Cli.Commands;

/// <summary>
/// The flags that the Fashion-MNIST jobs (`demo`, `experiment`) share: where, from what, how many images, against
/// which baselines.
/// </summary>
internal sealed class FashionMnistJobFlags(
    string output, string dataDirectory, int pretrainImages, int probeImages)
{
    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Report directory.",
        DefaultValueFactory = _ => output,
    };

    public Option<string> DataDirectory { get; } = new("--data-dir")
    {
        Description = "Download directory when the Debian package is unavailable.",
        DefaultValueFactory = _ => dataDirectory,
    };

    public Option<int> PretrainImages { get; } = new("--pretrain-images")
    {
        Description = "Images of the pretrain split to pretrain on (max 55000).",
        DefaultValueFactory = _ => pretrainImages,
    };

    public Option<int> ProbeTrainImages { get; } = new("--probe-train-images")
    {
        Description = "Labelled images to fit the probes on (max 55000).",
        DefaultValueFactory = _ => probeImages,
    };

    public Option<string> Baselines { get; } = CommonOptions.Baselines(["raw"]);

    public Option<string> FeatureCache { get; } = CommonOptions.FeatureCache();

    /// <summary>Adds every flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in (Option[])[Output, DataDirectory, PretrainImages, ProbeTrainImages, Baselines,
                     FeatureCache])
            command.Options.Add(option);
    }
}
