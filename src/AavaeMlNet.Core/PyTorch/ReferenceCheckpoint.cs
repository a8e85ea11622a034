using static TorchSharp.torch;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// A reference-implementation file as read by <see cref="TorchFile"/>: a Lightning checkpoint (a dict with
/// "state_dict" and "hyper_parameters") or a plain <c>torch.save(model.state_dict())</c>. Owns its tensors.
/// </summary>
public sealed class ReferenceCheckpoint : IDisposable
{
    private ReferenceCheckpoint(string path, OrderedDictionary<string, Tensor> stateDict,
        ReferenceHyperparameters hyperparameters)
    {
        Path = path;
        StateDict = stateDict;
        Hyperparameters = hyperparameters;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Tensors by reference name, in the file's order.</summary>
    public OrderedDictionary<string, Tensor> StateDict { get; }

    /// <summary>The checkpoint's hyper_parameters (empty for a plain state_dict).</summary>
    public ReferenceHyperparameters Hyperparameters { get; }

    /// <summary>
    /// Reads <paramref name="path"/>; refuses files that name anything but tensors, containers and values.
    /// </summary>
    public static ReferenceCheckpoint Load(string path)
    {
        var root = TorchFile.Load(path);
        try
        {
            if (root is not OrderedDictionary<object, object?> dict)
                throw new InvalidDataException(
                    $"'{path}' holds a {Describe(root)}, not a checkpoint dict or a state_dict.");
            var stateDict = dict.TryGetValue("state_dict", out var inner) ? inner : dict;
            var hyper = dict.TryGetValue("hyper_parameters", out var h) ? h : null;
            if (hyper is not (null or OrderedDictionary<object, object?>))
                throw new InvalidDataException($"'{path}': hyper_parameters is a {Describe(hyper)}, not a dict.");
            var tensors = Tensors(stateDict, path);
            DisposeAll(root, keep: [.. tensors.Values]);
            return new ReferenceCheckpoint(path, tensors,
                new ReferenceHyperparameters(hyper as OrderedDictionary<object, object?>, path));
        }
        catch
        {
            DisposeAll(root, keep: []);
            throw;
        }
    }

    private static OrderedDictionary<string, Tensor> Tensors(object? stateDict, string path)
    {
        if (stateDict is not OrderedDictionary<object, object?> entries)
            throw new InvalidDataException($"'{path}': state_dict is a {Describe(stateDict)}, not a dict.");
        var tensors = new OrderedDictionary<string, Tensor>();
        foreach (var (key, value) in entries)
        {
            if (key is not string name || value is not Tensor tensor)
                throw new InvalidDataException(
                    $"'{path}': the state_dict entry '{key}' is a {Describe(value)}, not a tensor named by a string " +
                    "(a checkpoint dict needs a \"state_dict\" entry).");
            tensors[name] = tensor;
        }
        return tensors;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        Tensor t => $"tensor [{string.Join(", ", t.shape)}]",
        OrderedDictionary<object, object?> => "dict",
        List<object?> => "list",
        object?[] => "tuple",
        _ => value.GetType().Name,
    };

    // The file's other tensors (optimizer moments, callback state) are not kept.
    private static void DisposeAll(object? value, HashSet<Tensor> keep)
    {
        switch (value)
        {
            case Tensor t when !keep.Contains(t):
                t.Dispose();
                break;
            case OrderedDictionary<object, object?> d:
                foreach (var v in d.Values) DisposeAll(v, keep);
                break;
            case List<object?> l:
                foreach (var v in l) DisposeAll(v, keep);
                break;
            case object?[] a:
                foreach (var v in a) DisposeAll(v, keep);
                break;
        }
    }

    public void Dispose()
    {
        foreach (var tensor in StateDict.Values) tensor.Dispose();
    }
}
