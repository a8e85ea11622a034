using System.Runtime.Intrinsics.X86;
using AavaeMlNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// What a CPU offers for bf16. oneDNN, which libtorch uses for CPU convolutions and matrix products, runs bf16 on
/// AVX-512 (BW, VL, DQ) and natively, at two to three times the fp32 rate, with AVX512_BF16 or AMX-BF16. Without
/// AVX-512 libtorch falls back to reference bf16 kernels, measured 25 to 50 times slower than fp32.
/// </summary>
/// <param name="Model">The processor's name.</param>
/// <param name="Avx512">AVX-512 BW, VL and DQ: oneDNN's bf16 kernels can run.</param>
/// <param name="NativeBf16">AVX512_BF16 or AMX-BF16: bf16 dot products in hardware.</param>
public sealed record CpuBf16Features(string Model, bool Avx512, bool NativeBf16)
{
    /// <summary>This machine's CPU: /proc/cpuinfo on Linux, the runtime's instruction-set checks elsewhere.</summary>
    public static CpuBf16Features Current { get; } = Detect();

    /// <summary>This machine in the words of a report: cores, processor, and what it runs bf16 with.</summary>
    public static string Machine =>
        $"{Environment.ProcessorCount} cores, {Current.Model}, " +
        (Current.NativeBf16 ? "AVX-512 with native bf16"
            : Current.Avx512 ? "AVX-512 without native bf16" : "no AVX-512");

    /// <summary>Reads the features from the text of /proc/cpuinfo (its first processor).</summary>
    public static CpuBf16Features FromCpuInfo(string cpuInfo)
    {
        string Field(string name) => cpuInfo.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == name)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault() ?? "";
        var flags = Field("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        bool avx512 = flags.Contains("avx512bw") && flags.Contains("avx512vl") && flags.Contains("avx512dq");
        bool native = flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
        string model = Field("model name");
        return new CpuBf16Features(model.Length > 0 ? model : "unknown CPU", avx512, avx512 && native);
    }

    /// <summary>
    /// The features oneDNN may use under its instruction-set cap (the ONEDNN_MAX_CPU_ISA or DNNL_MAX_CPU_ISA
    /// variable: SSE41, AVX, AVX2, AVX2_VNNI, AVX2_VNNI_2, AVX512_CORE, AVX512_CORE_VNNI, AVX512_CORE_BF16, ...,
    /// ALL). A cap below AVX512_CORE leaves no AVX-512, one below AVX512_CORE_BF16 no native bf16, so Auto does not
    /// pick bf16 that oneDNN would run on reference kernels. Null, empty or a value oneDNN does not know: no cap.
    /// </summary>
    public CpuBf16Features CappedBy(string? maxIsa)
    {
        string cap = (maxIsa ?? "").Trim().ToUpperInvariant();
        bool belowAvx512 = cap is "SSE41" or "AVX" or "AVX2" or "AVX2_VNNI" or "AVX2_VNNI_2";
        bool belowBf16 = belowAvx512 || cap is "AVX512_CORE" or "AVX512_CORE_VNNI";
        bool avx512 = Avx512 && !belowAvx512, native = NativeBf16 && !belowBf16;
        return avx512 == Avx512 && native == NativeBf16 ? this
            : new CpuBf16Features($"{Model} (oneDNN capped at {cap})", avx512, native);
    }

    /// <summary>oneDNN's instruction-set cap here: ONEDNN_MAX_CPU_ISA, else DNNL_MAX_CPU_ISA, else null.</summary>
    public static string? OneDnnIsaCap => Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA")
                                          ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");

    private static CpuBf16Features Detect()
    {
        const string cpuInfo = "/proc/cpuinfo";
        string? cap = OneDnnIsaCap;
        if (OperatingSystem.IsLinux() && File.Exists(cpuInfo))
            return FromCpuInfo(File.ReadAllText(cpuInfo)).CappedBy(cap);
        bool avx512 = Avx512BW.IsSupported && Avx512BW.VL.IsSupported && Avx512DQ.IsSupported;
        return new CpuBf16Features("unknown CPU", avx512, NativeBf16: false).CappedBy(cap);
    }
}

/// <summary>Turns a requested <see cref="Precision"/> into the one a device runs, with no silent fallback.</summary>
public static class PrecisionSupport
{
    /// <summary>
    /// Auto gives BFloat16Mixed on a CPU with native bf16 (AVX512_BF16 or AMX-BF16) or a CUDA device that runs a
    /// bf16 convolution, else Float32. BFloat16Mixed asked for on a CPU without AVX-512 throws
    /// <see cref="NotSupportedException"/> saying why.
    /// </summary>
    public static Precision Resolve(Precision requested, Device device) =>
        Resolve(requested, device, CpuBf16Features.Current);

    private static Precision Resolve(Precision requested, Device device, CpuBf16Features cpu) =>
        device.type == DeviceType.CPU ? Resolve(requested, cpu) : ResolveCuda(requested, device);

    /// <summary>The CPU rule of <see cref="Resolve(Precision, Device)"/> for the given features.</summary>
    public static Precision Resolve(Precision requested, CpuBf16Features cpu) => requested switch
    {
        Precision.Float32 => Precision.Float32,
        Precision.Auto => cpu.NativeBf16 ? Precision.BFloat16Mixed : Precision.Float32,
        Precision.BFloat16Mixed when cpu.Avx512 => Precision.BFloat16Mixed,
        Precision.BFloat16Mixed => throw new NotSupportedException(
            $"BFloat16Mixed needs a CPU with AVX-512 (BW, VL, DQ) for oneDNN's bf16 kernels; this CPU ({cpu.Model}) " +
            "has none, so libtorch would run bf16 on reference kernels 25-50x slower than Float32. " +
            "Choose Float32, or Auto (which picks bf16 only where the CPU has AVX512_BF16 or AMX-BF16)."),
        _ => throw new ArgumentOutOfRangeException(nameof(requested), requested,
            "Unknown precision: expected Auto, Float32 or BFloat16Mixed."),
    };

    /// <summary>
    /// Sets <paramref name="model"/>'s compute format from <paramref name="options"/> (precision resolved for
    /// <paramref name="device"/>, layout) and returns the resolved precision.
    /// </summary>
    public static Precision Configure(AavaeModel model, TrainingOptions options, Device device) =>
        Configure(model, options, device, CpuBf16Features.Current);

    internal static Precision Configure(AavaeModel model, TrainingOptions options, Device device, CpuBf16Features cpu)
    {
        var precision = Resolve(options.Precision, device, cpu);
        model.Compute.Precision = precision;
        model.Compute.ChannelsLast = options.ChannelsLast && ChannelsLastRuns(model.Config, device);
        return precision;
    }

    /// <summary>
    /// Whether channels-last can run for <paramref name="config"/> on <paramref name="device"/>. On the CPU, libtorch
    /// 2.10's oneDNN convolution backward corrupts the heap in channels-last (glibc aborts the process: "double free
    /// or corruption") when a batch holds an odd number of images and the encoder's base width is 8, 12 or 14
    /// (measured on an AVX-512 AMD EPYC; 4, 16, 32 and 64 ran). A last batch of odd size is common, so channels-last
    /// is kept on the CPU only for base widths that are multiples of 16: every recipe's, and the paper's.
    /// </summary>
    public static bool ChannelsLastRuns(AavaeConfig config, Device device) =>
        device.type != DeviceType.CPU || config.BaseWidth % 16 == 0;

    /// <summary>
    /// One line for progress headers and reports: the precision and layout <paramref name="options"/> resolve to on
    /// this machine (for <paramref name="config"/>'s widths when given), and why (e.g. "Float32, channels-last (Auto:
    /// AMD EPYC has no native bf16)").
    /// </summary>
    public static string Describe(TrainingOptions options, AavaeConfig? config = null)
    {
        var device = ComputeDevice.Resolve(options.Device);
        var resolved = Resolve(options.Precision, device);
        string layout = !options.ChannelsLast ? "standard layout"
            : config is null || ChannelsLastRuns(config, device) ? "channels-last"
            : $"standard layout: channels-last crashes libtorch's CPU convolutions at base width {config.BaseWidth}, " +
              "a multiple of 16 runs it";
        string where = device.type == DeviceType.CPU ? CpuBf16Features.Current.Model : device.ToString();
        string why = options.Precision != Precision.Auto ? "as requested"
            : device.type != DeviceType.CPU ? $"Auto on {where}"
            : CpuBf16Features.Current.NativeBf16 ? $"Auto: {where} has native bf16"
            : $"Auto: {where} has no native bf16";
        return $"{resolved}, {layout} ({why})";
    }

    // cuDNN runs bf16 convolutions from compute capability 8.0 (Ampere) on; TorchSharp exposes no capability query,
    // so a one-pixel bf16 convolution on the device answers it.
    private static Precision ResolveCuda(Precision requested, Device device)
    {
        if (requested == Precision.Float32) return Precision.Float32;
        bool runs;
        try
        {
            using var scope = NewDisposeScope();
            var probe = ones([1, 8, 1, 1], dtype: ScalarType.BFloat16, device: device);
            var weight = ones([8, 8, 1, 1], dtype: ScalarType.BFloat16, device: device);
            nn.functional.conv2d(probe, weight).sum().item<float>();
            runs = true;
        }
        catch (Exception)
        {
            runs = false;
        }
        if (runs) return Precision.BFloat16Mixed;
        if (requested == Precision.Auto) return Precision.Float32;
        throw new NotSupportedException(
            $"BFloat16Mixed was requested but the CUDA device {device} cannot run a bf16 convolution " +
            "(cuDNN needs compute capability 8.0 or newer). Choose Float32 or Auto.");
    }
}
