using AavaeMlNet.Data.Readers;

namespace AavaeMlNet.Data.DataView;

/// <summary>Adapts an <see cref="ImageSource"/> to ML.NET.</summary>
public static class ImageSourceExtensions
{
    /// <summary>
    /// A streaming <see cref="Microsoft.ML.IDataView"/> over <paramref name="source"/> (columns
    /// "Image" and, when labeled, "Label").
    /// </summary>
    public static ImageDataView ToDataView(this ImageSource source, ImageDataViewOptions? options = null) =>
        new(source, options);
}
