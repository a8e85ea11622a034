using AavaeMlNet.Data.Readers;
using AavaeMlNet.Pixels;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.Data.DataView;

/// <summary>A forward-only cursor over an <see cref="ImageDataView"/>: one record in memory at a time.</summary>
internal sealed class ImageDataViewCursor : DataViewRowCursor
{
    private readonly ImageDataView view;
    private readonly IEnumerator<ImageRecord> records;
    private readonly bool[] active;
    private ImageRecord? current;
    private long position = -1;

    public ImageDataViewCursor(ImageDataView view, ImageSource source, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        this.view = view;
        records = source.Read().GetEnumerator();
        active = new bool[view.Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }
    }

    public override DataViewSchema Schema => view.Schema;

    public override long Position => position;

    public override long Batch => 0;

    public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

    public override bool MoveNext()
    {
        if (records.MoveNext())
        {
            current = records.Current;
            position++;
            return true;
        }
        current = null;
        return false;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        (ref DataViewRowId id) => id = new DataViewRowId((ulong)Current.Index, 0);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!active[column.Index])
        {
            throw new InvalidOperationException(
                $"Column '{column.Name}' was not requested when the cursor was created.");
        }
        Delegate getter = column.Index == 0 ? (ValueGetter<VBuffer<float>>)GetImage : (ValueGetter<float>)GetLabel;
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {column.Type}, which cannot be read as {typeof(TValue).Name}.");
    }

    private ImageRecord Current => current
        ?? throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");

    private void GetImage(ref VBuffer<float> value)
    {
        var pixels = Current.PixelsChw;
        var editor = VBufferEditor.Create(ref value, pixels.Length);
        PixelScale.ToUnit(pixels, editor.Values);
        value = editor.Commit();
    }

    private void GetLabel(ref float value) => value = Current.Label;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            records.Dispose();
        }
        base.Dispose(disposing);
    }
}
