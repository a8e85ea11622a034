using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.MLNet;

/// <summary>
/// The lazy output of <see cref="AavaeTransformer.Transform"/>: the input columns plus the embedding column.
/// Each cursor walks the input twice in lock-step: a "follower" serving the input columns row by row and, when the
/// embedding is asked for, a "leader" that reads pixel vectors ahead and embeds them a batch at a time. Both see
/// the same rows in the same order (the view does not shuffle), so TakeRows, Skip and column subsets work as is.
/// </summary>
internal sealed class EmbeddingDataView : IDataView
{
    private readonly IDataView input;
    private readonly IDataView pixels;
    private readonly string pixelColumn;
    private readonly EmbeddingModel model;
    private readonly int batchSize;

    public EmbeddingDataView(IDataView input, IDataView pixels, string pixelColumn, DataViewSchema schema,
        EmbeddingModel model, int batchSize)
    {
        this.input = input;
        this.pixels = pixels;
        this.pixelColumn = pixelColumn;
        this.model = model;
        this.batchSize = batchSize;
        Schema = schema;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        int embeddingIndex = Schema.Count - 1;
        var inputColumns = needed.Where(i => i < embeddingIndex).Select(i => input.Schema[i]).ToList();
        var follower = input.GetRowCursor(inputColumns);
        DataViewRowCursor? leader = needed.Contains(embeddingIndex)
            ? pixels.GetRowCursor([pixels.Schema[pixelColumn]])
            : null;
        return new Cursor(this, follower, leader, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n,
        Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly EmbeddingDataView parent;
        private readonly DataViewRowCursor follower;
        private readonly DataViewRowCursor? leader;
        private readonly ValueGetter<VBuffer<float>>? pixelGetter;
        private readonly HashSet<int> active;
        private readonly float[] pixelBuffer;
        private readonly float[] embeddings;
        private readonly int pixelLength;
        private int batchCount;
        private int rowInBatch = -1;
        private VBuffer<float> pixelRow;
        private bool disposed;

        public Cursor(EmbeddingDataView parent, DataViewRowCursor follower, DataViewRowCursor? leader,
            HashSet<int> active)
        {
            this.parent = parent;
            this.follower = follower;
            this.leader = leader;
            this.active = active;
            var config = parent.model.Model.Config;
            pixelLength = config.Channels * config.Height * config.Width;
            pixelBuffer = leader is null ? [] : new float[parent.batchSize * pixelLength];
            embeddings = leader is null ? [] : new float[parent.batchSize * parent.model.Size];
            if (leader is not null) pixelGetter = leader.GetGetter<VBuffer<float>>(leader.Schema[parent.pixelColumn]);
        }

        public override long Position => follower.Position;
        public override long Batch => 0;
        public override DataViewSchema Schema => parent.Schema;

        public override ValueGetter<DataViewRowId> GetIdGetter() => follower.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException(
                    $"Column '{column.Name}' was not requested when the cursor was created.");
            if (column.Index < parent.Schema.Count - 1)
                return follower.GetGetter<TValue>(follower.Schema[column.Index]);
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException(
                    $"Column '{column.Name}' holds Vector<Single>; a getter of {typeof(TValue).Name} was asked for.");
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                if (rowInBatch < 0)
                    throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
                int size = parent.model.Size;
                var editor = VBufferEditor.Create(ref value, size);
                embeddings.AsSpan(rowInBatch * size, size).CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        public override bool MoveNext()
        {
            if (disposed || !follower.MoveNext()) return false;
            if (leader is null) return true;
            if (++rowInBatch >= batchCount || batchCount == 0) FillBatch();
            return true;
        }

        private void FillBatch()
        {
            batchCount = 0;
            rowInBatch = 0;
            while (batchCount < parent.batchSize && leader!.MoveNext())
            {
                pixelGetter!(ref pixelRow);
                var destination = pixelBuffer.AsSpan(batchCount * pixelLength, pixelLength);
                PixelRows.Copy(pixelRow, destination, leader.Position, parent.pixelColumn);
                batchCount++;
            }
            if (batchCount == 0)
                throw new InvalidOperationException(
                    "The input view yielded fewer rows to the embedding than to the other columns.");
            parent.model.Embed(pixelBuffer, batchCount, embeddings);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposed) return;
            disposed = true;
            if (disposing)
            {
                follower.Dispose();
                leader?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
