namespace AavaeMlNet.Io;

/// <summary>The one CSV field writer (RFC 4180): a field with a comma, quote or line break is quoted.</summary>
public static class CsvField
{
    /// <summary><paramref name="value"/> as a CSV field; null is the empty field.</summary>
    public static string Quote(string? value) =>
        value is null ? ""
        : value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value
        : "\"" + value.Replace("\"", "\"\"") + "\"";
}
