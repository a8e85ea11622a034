using System.Globalization;
using AavaeMlNet.Pixels;
using Microsoft.ML.Data;

namespace AavaeMlNet.MLNet;

/// <summary>
/// The one copy and check of a pixel row, for training (Fit) and inference (Transform, PredictionEngine) alike: a
/// wrong length, a NaN or infinite value, or a value outside [0, 1] (within <see cref="PixelScale"/>'s tolerance)
/// is an <see cref="InvalidDataException"/> that names the row, the column, the element and what was expected.
/// </summary>
internal static class PixelRows
{
    /// <summary>Checks <paramref name="value"/> and copies it into <paramref name="destination"/>.</summary>
    /// <param name="value">The row's pixel vector.</param>
    /// <param name="destination">Where the pixels go; its length is the expected C*H*W.</param>
    /// <param name="row">The row's position, for the message.</param>
    /// <param name="column">The column's name, for the message.</param>
    public static void Copy(in VBuffer<float> value, Span<float> destination, long row, string column)
    {
        if (value.Length != destination.Length)
            throw new InvalidDataException(
                $"Row {row} of column '{column}' holds {value.Length} values; expected {destination.Length} (C*H*W).");
        value.CopyTo(destination);
        for (int i = 0; i < destination.Length; i++)
        {
            float v = destination[i];
            if (PixelScale.IsValid(v)) continue;
            string shown = v.ToString(CultureInfo.InvariantCulture);
            if (!float.IsFinite(v))
                throw new InvalidDataException(
                    $"Row {row} of column '{column}' holds {shown} at element {i}: " +
                    "pixel values must be finite numbers in [0, 1].");
            throw new InvalidDataException(
                $"Row {row} of column '{column}' holds {shown} at element {i}: " +
                "pixel values must lie in [0, 1] (scale 8-bit pixels by 1/255).");
        }
    }
}
