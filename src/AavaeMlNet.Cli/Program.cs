using System.CommandLine;
using System.Runtime.InteropServices;
using AavaeMlNet.Cli.Commands;

var root = AavaeRootCommand.Create();

// The first Ctrl-C (or SIGTERM) cancels the command's token, and the command stops cleanly: pretraining writes
// last.ckpt and exits 130. A second one terminates at once. System.CommandLine's own handler is turned off: with
// TorchSharp loaded, the signal ended the process before the command saw it.
using var cancellation = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
return await root.Parse(args).InvokeAsync(
    new InvocationConfiguration { ProcessTerminationTimeout = null }, cancellation.Token);
