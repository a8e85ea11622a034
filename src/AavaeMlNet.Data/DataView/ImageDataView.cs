using AavaeMlNet.Data.Readers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Data.DataView;

/// <summary>
/// An ML.NET <see cref="IDataView"/> that streams an <see cref="ImageSource"/> from its files.
/// Columns: the image as Vector&lt;Single&gt; of known size C*H*W, CHW order, in [0, 1] through
/// <see cref="AavaeMlNet.Pixels.PixelScale"/> (the layout and values of ML.NET's ExtractPixels with interleave off
/// and scale 1/255); and, for labeled sources, the label as
/// Single holding the 0-based class index (exact for any class count below 2^24), the type ML.NET's
/// text loader gives a label, ready for MapValueToKey. Class names are attached to the label column
/// as no annotation: read them from <see cref="Info"/>.
/// </summary>
public sealed class ImageDataView : IDataView
{
    private readonly ImageSource source;

    /// <summary>Wraps <paramref name="source"/>; nothing is read until a cursor moves.</summary>
    public ImageDataView(ImageSource source, ImageDataViewOptions? options = null)
    {
        this.source = source;
        options ??= new ImageDataViewOptions();
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(options.ImageColumnName,
            new VectorDataViewType(NumberDataViewType.Single, source.Info.PixelCount));
        if (source.Info.HasLabels)
        {
            builder.AddColumn(options.LabelColumnName, NumberDataViewType.Single);
        }
        Schema = builder.ToSchema();
    }

    /// <summary>Shape and class names of the images.</summary>
    public ImageSetInfo Info => source.Info;

    /// <inheritdoc/>
    public bool CanShuffle => false;

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public long? GetRowCount() => source.IsCountExact ? source.Count : null;

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new ImageDataViewCursor(this, source, columnsNeeded);

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n,
        Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
