using AavaeMlNet.Settings;

namespace AavaeMlNet.Model;

/// <summary>Arithmetic of the model's convolutions and linear layers.</summary>
public enum Precision
{
    /// <summary>
    /// bf16 mixed where the hardware computes bf16 natively (a CPU with AVX512_BF16 or AMX-BF16), fp32 elsewhere.
    /// Resolved by <c>PrecisionSupport.Resolve</c>.
    /// </summary>
    Auto,
    /// <summary>Everything in fp32 (the paper's runs).</summary>
    Float32,
    /// <summary>
    /// What PyTorch's autocast does: convolutions and linear layers compute in bf16; master weights, optimizer
    /// moments, BatchNorm statistics, the likelihood, the KL term and the loss stay fp32.
    /// </summary>
    [SettingValue("bf16")]
    BFloat16Mixed,
}
