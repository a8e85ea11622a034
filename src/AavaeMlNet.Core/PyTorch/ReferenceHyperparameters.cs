using System.Globalization;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// The hyper_parameters of a reference Lightning checkpoint (the reference VAE's save_hyperparameters(): its
/// constructor arguments and the script's flags), read by key with type checks. Empty for a plain state_dict.
/// </summary>
public sealed class ReferenceHyperparameters
{
    private readonly OrderedDictionary<object, object?> values;

    internal ReferenceHyperparameters(OrderedDictionary<object, object?>? values, string source)
    {
        this.values = values ?? [];
        Source = source;
    }

    /// <summary>Whether the file had hyper_parameters at all.</summary>
    public bool Present => values.Count > 0;

    private string Source { get; }

    /// <summary>Every key with its value as text, in the file's order.</summary>
    public IEnumerable<(string Key, string Value)> All =>
        values.Select(p => (p.Key.ToString() ?? "", Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "None"));

    public string? String(string key) => Get(key, v => v as string);

    public long? Integer(string key) => Get(key, v => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d when d == Math.Floor(d) => (long)d,
        _ => (long?)null,
    });

    public double? Number(string key) => Get(key, v => v switch
    {
        double d => d,
        long l => l,
        _ => (double?)null,
    });

    /// <summary>A flag; the reference's argparse type=bool also stores ints and strings such as "False".</summary>
    public bool? Flag(string key) => Get(key, v => v switch
    {
        bool b => b,
        long l => l != 0,
        string s when bool.TryParse(s, out bool parsed) => parsed,
        _ => (bool?)null,
    });

    private T? Get<T>(string key, Func<object, T?> read)
    {
        if (!values.TryGetValue(key, out var value) || value is null) return default;
        return read(value) ?? throw new InvalidDataException(
            $"'{Source}': hyperparameter '{key}' = {value} ({value.GetType().Name}) has an unexpected type.");
    }
}
