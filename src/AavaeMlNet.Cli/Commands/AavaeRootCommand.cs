using System.CommandLine;
using AavaeMlNet.Cli.Terminal;

namespace AavaeMlNet.Cli.Commands;

/// <summary>The tool's command tree: every command with its options (tests walk it to check the flags).</summary>
internal static class AavaeRootCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("aavae: self-supervised image representations (AAVAE) for ML.NET")
        {
            CommonOptions.Verbose,
            DemoCommand.Create(),
            PretrainCommand.Create(),
            EmbedCommand.Create(),
            EvaluateCommand.Create(),
            InspectCommand.Create(),
            DataCommand.Create(),
            ExperimentCommand.Create(),
            ImportCommand.Create(),
            ExportPyTorchCommand.Create(),
        };
        TopicHelp.Install(root);
        return root;
    }
}
