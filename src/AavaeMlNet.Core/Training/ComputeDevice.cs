using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>Where training and inference run.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when this build's native backend has it and a GPU is visible, else the CPU.</summary>
    Auto,
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>The first CUDA GPU; fails when none is usable (no silent CPU fallback).</summary>
    Cuda,
}

/// <summary>Turns a <see cref="DeviceKind"/> into a TorchSharp device.</summary>
public static class ComputeDevice
{
    /// <summary>
    /// Resolves the device. Asking for CUDA on a machine or build without it throws
    /// <see cref="InvalidOperationException"/> that says how to get it.
    /// </summary>
    public static Device Resolve(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => CPU,
        DeviceKind.Cuda when cuda.is_available() => CUDA,
        DeviceKind.Cuda => throw new InvalidOperationException(
            "CUDA was requested but is not available: this build's TorchSharp native backend has no CUDA support " +
            "or no GPU is visible. Build with -p:TorchBackend=cuda-linux on a machine with an NVIDIA driver, " +
            "or choose the CPU device."),
        DeviceKind.Auto => cuda.is_available() ? CUDA : CPU,
        _ => throw new ArgumentOutOfRangeException(
            nameof(kind), kind, "Unknown device kind: expected Auto, Cpu or Cuda."),
    };
}
