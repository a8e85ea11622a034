using Microsoft.ML;
using Microsoft.ML.Data;

namespace AavaeMlNet.MLNet;

/// <summary>
/// Row-to-row form of the transformer, used by PredictionEngine: the input columns pass through and the embedding
/// of the current row is computed (a batch of one) each time its getter is called. Nothing is cached by position,
/// because a PredictionEngine may present new values under an unchanged position.
/// </summary>
internal sealed class EmbeddingRowMapper : IRowToRowMapper
{
    private readonly AavaeTransformer transformer;
    private readonly IRowToRowMapper? pixelMapper;
    private readonly string pixelColumn;

    public EmbeddingRowMapper(AavaeTransformer transformer, DataViewSchema inputSchema, ITransformer? pixelTransformer,
        string pixelColumn)
    {
        this.transformer = transformer;
        InputSchema = inputSchema;
        OutputSchema = transformer.GetOutputSchema(inputSchema);
        pixelMapper = pixelTransformer?.GetRowToRowMapper(inputSchema);
        this.pixelColumn = pixelColumn;
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new HashSet<int>();
        foreach (var column in dependingColumns)
        {
            if (column.Index < InputSchema.Count) needed.Add(column.Index);
            else needed.Add(InputSchema[transformer.Input.ColumnName].Index);
        }
        return needed.Select(i => InputSchema[i]);
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var active = activeColumns.Select(c => c.Index).ToHashSet();
        DataViewRow? pixelRow = null;
        if (active.Contains(OutputSchema.Count - 1))
            pixelRow = pixelMapper is null ? input : pixelMapper.GetRow(input, [pixelMapper.OutputSchema[pixelColumn]]);
        return new Row(this, input, pixelRow, active);
    }

    private sealed class Row(EmbeddingRowMapper mapper, DataViewRow input, DataViewRow? pixelRow, HashSet<int> active)
        : DataViewRow
    {
        private readonly float[] embedding = new float[mapper.transformer.EmbeddingSize];
        private float[] pixels = [];
        private VBuffer<float> pixelValue;
        private ValueGetter<VBuffer<float>>? pixelGetter;

        public override long Position => input.Position;
        public override long Batch => input.Batch;
        public override DataViewSchema Schema => mapper.OutputSchema;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < mapper.InputSchema.Count) return input.GetGetter<TValue>(input.Schema[column.Index]);
            if (pixelRow is null) throw new InvalidOperationException($"Column '{column.Name}' was not requested.");
            pixelGetter ??= pixelRow.GetGetter<VBuffer<float>>(pixelRow.Schema[mapper.pixelColumn]);
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                pixelGetter(ref pixelValue);
                int length = mapper.transformer.Input.Length;
                if (pixels.Length != length) pixels = new float[length];
                PixelRows.Copy(pixelValue, pixels, input.Position, mapper.pixelColumn);
                mapper.transformer.EmbedOne(pixels, embedding);
                var editor = VBufferEditor.Create(ref value, embedding.Length);
                embedding.CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }
    }
}
