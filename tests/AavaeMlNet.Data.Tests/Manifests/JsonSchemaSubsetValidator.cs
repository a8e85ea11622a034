using System.Text.Json;
using System.Text.RegularExpressions;

namespace AavaeMlNet.Data.Tests.Manifests;

/// <summary>
/// A validator for the subset of JSON Schema 2020-12 that manifest.schema.json uses: type, enum,
/// required, properties, additionalProperties: false, items, minItems, minLength, minimum,
/// exclusiveMinimum, pattern and local $ref ("#/$defs/name"). Any other keyword fails loudly, so the
/// schema cannot silently use something this validator ignores.
/// </summary>
public static class JsonSchemaSubsetValidator
{
    private static readonly HashSet<string> Known =
    [
        "$schema", "$id", "$defs", "title", "description", "type", "enum", "required", "properties",
        "additionalProperties", "items", "minItems", "minLength", "minimum", "exclusiveMinimum", "pattern", "$ref",
    ];

    public static List<string> Validate(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        Check(schema, schema, instance, "$", errors);
        return errors;
    }

    private static void Check(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Known.Contains(keyword.Name))
            {
                throw new NotSupportedException($"Schema keyword '{keyword.Name}' is not supported by this validator.");
            }
        }
        if (schema.TryGetProperty("$ref", out var reference))
        {
            string name = reference.GetString()!["#/$defs/".Length..];
            Check(root, root.GetProperty("$defs").GetProperty(name), value, path, errors);
        }
        if (schema.TryGetProperty("type", out var type) && !HasType(value, type.GetString()!))
        {
            errors.Add($"{path}: expected {type.GetString()}, got {value.ValueKind}");
            return;
        }
        if (schema.TryGetProperty("enum", out var options)
            && !options.EnumerateArray().Any(o => JsonElement.DeepEquals(o, value)))
        {
            errors.Add($"{path}: {value} is not one of {options}");
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
            {
                var missing = required.EnumerateArray()
                    .Select(r => r.GetString()!)
                    .Where(n => !value.TryGetProperty(n, out _));
                foreach (var name in missing)
                {
                    errors.Add($"{path}: missing required '{name}'");
                }
            }
            var properties = schema.TryGetProperty("properties", out var p) ? p : default;
            foreach (var property in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object
                    && properties.TryGetProperty(property.Name, out var sub))
                {
                    Check(root, sub, property.Value, $"{path}.{property.Name}", errors);
                }
                else if (schema.TryGetProperty("additionalProperties", out var extra)
                    && extra.ValueKind == JsonValueKind.False)
                {
                    errors.Add($"{path}: unexpected property '{property.Name}'");
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array)
        {
            if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
            {
                errors.Add($"{path}: expected at least {minItems} items");
            }
            if (schema.TryGetProperty("items", out var items))
            {
                int i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(root, items, item, $"{path}[{i++}]", errors);
                }
            }
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            string s = value.GetString()!;
            if (schema.TryGetProperty("minLength", out var minLength) && s.Length < minLength.GetInt32())
            {
                errors.Add($"{path}: shorter than {minLength}");
            }
            if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(s, pattern.GetString()!))
            {
                errors.Add($"{path}: '{s}' does not match {pattern}");
            }
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            decimal d = value.GetDecimal();
            if (schema.TryGetProperty("minimum", out var minimum) && d < minimum.GetDecimal())
            {
                errors.Add($"{path}: {d} is below {minimum}");
            }
            if (schema.TryGetProperty("exclusiveMinimum", out var exclusive) && d <= exclusive.GetDecimal())
            {
                errors.Add($"{path}: {d} is not above {exclusive}");
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number
            && value.GetDecimal() == decimal.Truncate(value.GetDecimal()),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        _ => throw new NotSupportedException($"Schema type '{type}' is not supported by this validator."),
    };
}
