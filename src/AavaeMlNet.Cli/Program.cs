using System.CommandLine;
using AavaeMlNet.Cli.Commands;

var root = new RootCommand("aavae: self-supervised image representations (AAVAE) for ML.NET")
{
    CommonOptions.Verbose,
    MainJobCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
