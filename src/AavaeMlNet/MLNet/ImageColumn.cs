using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace AavaeMlNet.MLNet;

/// <summary>How the input column holds images: an MLImage column of known size or a CHW float vector.</summary>
public enum ImageColumnKind
{
    /// <summary>A known-size image column (LoadImages + ResizeImages).</summary>
    Image,
    /// <summary>A known-size Vector&lt;Single&gt; in CHW order with values in [0, 1].</summary>
    Vector,
}

/// <summary>
/// The resolved input: column, kind and image shape. Schema problems are <see cref="ArgumentOutOfRangeException"/>s
/// worded like ML.NET's own, raised alike from GetOutputSchema(SchemaShape), GetOutputSchema(DataViewSchema) and Fit.
/// </summary>
public sealed record ImageColumn(string ColumnName, ImageColumnKind Kind, int Channels, int Height, int Width)
{
    /// <summary>Values per image: C * H * W.</summary>
    public int Length => Channels * Height * Width;

    private const string Expected = "image of known size or Vector<Single> of known size";

    /// <summary>Resolves against a full schema (sizes known).</summary>
    public static ImageColumn FromSchema(DataViewSchema schema, string columnName, int? channels,
        (int Height, int Width)? declaredSize, string parameterName)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentOutOfRangeException(parameterName, $"Could not find input column '{columnName}'");
        return Resolve(columnName, column.Type, channels, declaredSize, parameterName);
    }

    /// <summary>
    /// Resolves against a schema shape; a vector's size is unknown there, so only its item type is checked.
    /// </summary>
    public static void CheckShape(SchemaShape shape, string columnName, string parameterName)
    {
        if (!shape.Any(c => c.Name == columnName))
            throw new ArgumentOutOfRangeException(parameterName, $"Could not find input column '{columnName}'");
        var column = shape.Last(c => c.Name == columnName); // a later column of the same name hides earlier ones
        if (column.ItemType is ImageDataViewType image)
        {
            if (column.Kind != SchemaShape.Column.VectorKind.Scalar)
                throw Mismatch(columnName, $"Vector<{image}>", parameterName);
            if (image.Height <= 0 || image.Width <= 0)
                throw Mismatch(columnName, "image of unknown size (add ResizeImages)", parameterName);
            return;
        }
        if (column.ItemType != NumberDataViewType.Single || column.Kind == SchemaShape.Column.VectorKind.Scalar)
            throw Mismatch(columnName, Describe(column), parameterName);
        if (column.Kind == SchemaShape.Column.VectorKind.VariableVector)
            throw Mismatch(columnName, "Vector<Single> of unknown size", parameterName);
    }

    private static ImageColumn Resolve(string name, DataViewType type, int? channels, (int Height, int Width)? declared,
        string parameterName)
    {
        if (type is ImageDataViewType image)
        {
            if (image.Height <= 0 || image.Width <= 0)
                throw Mismatch(name, "image of unknown size (add ResizeImages)", parameterName);
            int c = channels ?? 3;
            if (c is not (1 or 3))
                throw new ArgumentOutOfRangeException(parameterName,
                    $"Images in column '{name}' can be read as 1 (grayscale) or 3 (RGB) channels, not {c}");
            if (declared is { } d && (d.Height != image.Height || d.Width != image.Width))
                throw new ArgumentOutOfRangeException(parameterName,
                    $"Schema mismatch for input column '{name}': the options declare {d.Height}x{d.Width} images " +
                    $"but the column holds {image.Height}x{image.Width} images");
            return new ImageColumn(name, ImageColumnKind.Image, c, image.Height, image.Width);
        }
        if (type is not VectorDataViewType { ItemType: var item } vector || item != NumberDataViewType.Single)
            throw Mismatch(name, type.ToString() ?? type.GetType().Name, parameterName);
        if (!vector.IsKnownSize)
            throw Mismatch(name, "Vector<Single> of unknown size", parameterName);
        int size = vector.Size;
        if (declared is { } shape)
        {
            int c = channels ?? (size % (shape.Height * shape.Width) == 0 ? size / (shape.Height * shape.Width) : 0);
            if (c * shape.Height * shape.Width != size || c < 1)
                throw new ArgumentOutOfRangeException(parameterName,
                    $"Schema mismatch for input column '{name}': the declared image shape " +
                    $"{(channels?.ToString() ?? "?")}x{shape.Height}x{shape.Width} " +
                    $"does not match the vector size {size}");
            return new ImageColumn(name, ImageColumnKind.Vector, c, shape.Height, shape.Width);
        }
        // Square images with 1 or 3 channels: 3 * s^2 = t^2 has no integer solution, so at most one reading fits.
        foreach (int c in channels is { } known ? [known] : new[] { 1, 3 })
        {
            int side = (int)Math.Round(Math.Sqrt(size / (double)c));
            if (c * side * side == size)
                return new ImageColumn(name, ImageColumnKind.Vector, c, side, side);
        }
        throw new ArgumentOutOfRangeException(parameterName,
            $"Schema mismatch for input column '{name}': cannot infer an image shape from a vector of size {size}; " +
            "set ImageHeight, ImageWidth (and Channels) in the options");
    }

    private static ArgumentOutOfRangeException Mismatch(string name, string actual, string parameterName) =>
        new(parameterName, $"Schema mismatch for input column '{name}': expected {Expected}, got {actual}");

    private static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => column.ItemType.ToString() ?? column.ItemType.GetType().Name,
        _ => $"Vector<{column.ItemType}>",
    };
}
