namespace AavaeMlNet.Data.Readers;

/// <summary>
/// The one vocabulary for corrupt-input errors: each names the file, the place and what was expected.
/// </summary>
internal static class DataErrors
{
    public static InvalidDataException Truncated(string path, string what, long offset, int expected, int got) =>
        new($"File '{path}' is truncated: {what} at byte offset {offset} needs {expected} bytes " +
            $"but the file ends after {got}.");

    public static InvalidDataException BadLength(string path, long length, string expected) =>
        new($"File '{path}' has {length} bytes, expected {expected}; " +
            "the file is truncated or not in the expected format.");

    public static InvalidDataException WrongMagic(string path, uint actual, uint expected, string meaning) =>
        new($"File '{path}' has magic number 0x{actual:X8} at byte offset 0, expected 0x{expected:X8} ({meaning}).");

    public static InvalidDataException LabelOutOfRange(string path, int record, long offset, int label,
        string expected) =>
        new($"File '{path}': record {record} (byte offset {offset}) has label {label}, expected {expected}.");

    public static InvalidDataException CountMismatch(string imagesPath, long images, string labelsPath, long labels) =>
        new($"Image/label count mismatch: '{imagesPath}' holds {images} images " +
            $"but '{labelsPath}' holds {labels} labels.");
}
