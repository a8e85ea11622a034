using System.CommandLine;
using AavaeMlNet.Cli.Jobs;
using AavaeMlNet.Cli.Terminal;

namespace AavaeMlNet.Cli.Commands;

/// <summary>`aavae export-pytorch`: a TorchSharp checkpoint to a state_dict with the reference's names.</summary>
internal static class ExportPyTorchCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string?>("--checkpoint", "-c")
        {
            Description = "TorchSharp checkpoint (encoder.ckpt).",
        };
        var model = new Option<string?>("--model", "-m")
        {
            Description = "ML.NET model zip (encoder.ckpt beside it serves as the checkpoint).",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "state_dict file to write (torch.save format).",
            DefaultValueFactory = _ => "aavae_state_dict.pt",
        };
        var command = new Command("export-pytorch",
            "Write the encoder, projection head and log_scale as a state_dict of the paper's reference PyTorch code.")
        {
            checkpoint, model, output,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Verbose), () =>
        {
            string path = parse.GetValue(output)!;
            var (tensors, arguments) = ExportPyTorchJob.Run(parse.GetValue(checkpoint), parse.GetValue(model), path);
            Console.WriteLine($"Wrote {tensors} tensors to {Path.GetFullPath(path)}.");
            Console.WriteLine($"Reference model: {arguments}; load with " +
                              "model.load_state_dict(torch.load(path), strict=False) (missing keys: the decoder's).");
            return Task.FromResult(0);
        }));
        return command;
    }
}
