using System.CommandLine;

namespace AavaeMlNet.Cli.Commands;

/// <summary>Options shared by every command.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces with errors.",
        Recursive = true,
    };

    private static readonly Dictionary<string, Model.Precision> PrecisionNames = new()
    {
        ["auto"] = Model.Precision.Auto,
        ["float32"] = Model.Precision.Float32,
        ["bf16"] = Model.Precision.BFloat16Mixed,
    };

    /// <summary>`--precision auto|float32|bf16`, one declaration for every training command.</summary>
    public static Option<string> Precision()
    {
        var option = new Option<string>("--precision")
        {
            Description = "Arithmetic of convolutions and linear layers: auto (bf16 mixed where the CPU has native " +
                          "bf16, else float32), float32, or bf16 (mixed: weights, optimizer, BatchNorm and loss stay fp32).",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong([.. PrecisionNames.Keys]);
        return option;
    }

    /// <summary>The <see cref="Model.Precision"/> a `--precision` value names.</summary>
    public static Model.Precision ParsePrecision(string? name) => PrecisionNames[name ?? "auto"];
}
