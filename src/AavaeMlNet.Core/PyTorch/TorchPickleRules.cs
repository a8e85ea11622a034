using static TorchSharp.torch;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// The allow-list for torch.save pickles: which globals a file may name, and what calling each of them builds.
/// Mirrors what <c>torch.load(weights_only=True)</c> accepts, plus Lightning's AttributeDict (a dict) and
/// Lightning callback classes as inert dict keys (a Lightning checkpoint keys its callback state by class).
/// </summary>
internal sealed class TorchPickleRules(StorageTable storages, string source) : IPickleRules
{
    private static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");
    private static readonly PickleGlobal RebuildTensor = new("torch._utils", "_rebuild_tensor_v2");
    private static readonly PickleGlobal RebuildParameter = new("torch._utils", "_rebuild_parameter");

    private static readonly Dictionary<string, ScalarType> StorageTypes = new()
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    private static readonly HashSet<PickleGlobal> AttributeDicts =
    [
        new("pytorch_lightning.utilities.parsing", "AttributeDict"),
        new("lightning.pytorch.utilities.parsing", "AttributeDict"),
        new("lightning.fabric.utilities.data", "AttributeDict"),
    ];

    private static readonly string[] InertModules = ["pytorch_lightning.callbacks.", "lightning.pytorch.callbacks."];

    public bool Allows(PickleGlobal global) =>
        global == OrderedDict || global == RebuildTensor || global == RebuildParameter
        || AttributeDicts.Contains(global)
        || (global.Module == "torch" && StorageTypes.ContainsKey(global.Name))
        || InertModules.Any(m => global.Module.StartsWith(m, StringComparison.Ordinal));

    public object? Call(PickleGlobal callable, object?[] arguments)
    {
        if ((callable == OrderedDict || AttributeDicts.Contains(callable)) && arguments.Length == 0)
            return new OrderedDictionary<object, object?>();
        if (callable == RebuildTensor && arguments.Length is 6 or 7) return Rebuild(arguments);
        if (callable == RebuildParameter && arguments.Length == 3 && arguments[0] is Tensor parameter) return parameter;
        throw new InvalidDataException(
            $"'{source}' asks to construct '{callable}' with {arguments.Length} argument(s), which is not allowed: " +
            "checkpoints may hold only tensors, containers and primitive values. The file is refused.");
    }

    public object? PersistentLoad(object? id)
    {
        if (id is not object?[] { Length: 5 } parts || parts[0] as string != "storage"
            || parts[1] is not PickleGlobal { Module: "torch" } type || parts[2] is not string key
            || parts[4] is not long count)
            throw new InvalidDataException($"'{source}' holds a persistent id that is not a torch storage.");
        if (!StorageTypes.TryGetValue(type.Name, out var dtype))
            throw new InvalidDataException($"'{source}': storage type torch.{type.Name} is not supported.");
        return storages.Get(key, dtype, count);
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    private Tensor Rebuild(object?[] arguments)
    {
        if (arguments[0] is not Tensor storage || arguments[1] is not long offset
            || arguments[2] is not object?[] size || arguments[3] is not object?[] stride)
            throw new InvalidDataException($"'{source}': a tensor record has unexpected arguments.");
        long[] shape = [.. size.Select(Dimension)];
        long[] strides = [.. stride.Select(Dimension)];
        long last = offset + shape.Zip(strides, (n, s) => n == 0 ? 0 : (n - 1) * s).Sum();
        if (offset < 0 || (shape.All(n => n > 0) && last >= storage.shape[0]))
            throw new InvalidDataException($"'{source}': a tensor of shape [{string.Join(", ", shape)}] " +
                                           $"runs past the end of its {storage.shape[0]}-element storage.");
        using var view = storage.as_strided(shape, strides, offset);
        return view.clone();
    }

    private long Dimension(object? value) =>
        value as long? ?? throw new InvalidDataException($"'{source}': a tensor size or stride is not an integer.");
}
