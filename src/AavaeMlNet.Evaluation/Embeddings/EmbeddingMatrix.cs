using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace AavaeMlNet.Evaluation.Embeddings;

/// <summary>
/// A dense, row-major matrix of embeddings, one row per example: the common currency of every evaluation here, so that
/// probes, kNN and analyses do not care how the embeddings were produced. Shape: (Count, Dimension).
/// </summary>
public sealed class EmbeddingMatrix
{
    private readonly float[] values;

    /// <summary>
    /// Wraps <paramref name="values"/> (not copied) as <paramref name="count"/> rows of <paramref name="dimension"/>.
    /// </summary>
    public EmbeddingMatrix(float[] values, int count, int dimension)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (values.LongLength != (long)count * dimension)
            throw new ArgumentException(
                $"Expected {(long)count * dimension} values for {count} x {dimension}, got {values.LongLength}.",
                nameof(values));
        this.values = values;
        Count = count;
        Dimension = dimension;
    }

    /// <summary>Number of examples (rows).</summary>
    public int Count { get; }

    /// <summary>Embedding size (columns).</summary>
    public int Dimension { get; }

    /// <summary>The row-major values, length Count * Dimension.</summary>
    public ReadOnlySpan<float> Values => values;

    /// <summary>Row <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => values.AsSpan(index * Dimension, Dimension);

    /// <summary>A new matrix holding copies of the rows at <paramref name="indices"/>, in that order.</summary>
    public EmbeddingMatrix Rows(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var selected = new float[(long)indices.Count * Dimension];
        for (int i = 0; i < indices.Count; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Row index out of 0..{Count - 1}.");
            Row(indices[i]).CopyTo(selected.AsSpan(i * Dimension, Dimension));
        }
        return new EmbeddingMatrix(selected, indices.Count, Dimension);
    }

    /// <summary>
    /// Copies the vector column <paramref name="columnName"/> of every row of <paramref name="view"/> (known size) into
    /// a matrix: the bridge from an ML.NET pipeline's output (an embedding or raw pixels) to the evaluations here.
    /// </summary>
    public static EmbeddingMatrix FromDataView(IDataView view, string columnName)
    {
        ArgumentNullException.ThrowIfNull(view);
        var column = view.Schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException($"The data has no column '{columnName}'.", nameof(columnName));
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } vector
            || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentException(
                $"Column '{columnName}' is {column.Type}; expected a known-size Vector<Single>.", nameof(columnName));
        return FromRows([.. view.GetColumn<float[]>(column)]);
    }

    /// <summary>Copies jagged rows, all of the same length, into a matrix.</summary>
    public static EmbeddingMatrix FromRows(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("Expected at least one embedding row.", nameof(rows));
        int dimension = rows[0].Length;
        var values = new float[(long)rows.Count * dimension];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != dimension)
                throw new ArgumentException(
                    $"Row {i} has {rows[i].Length} values; row 0 has {dimension}.", nameof(rows));
            rows[i].CopyTo(values, (long)i * dimension);
        }
        return new EmbeddingMatrix(values, rows.Count, dimension);
    }

    /// <summary>Copies a 2-D tensor (any device, any floating dtype) into a matrix. Shape: (N, d).</summary>
    public static EmbeddingMatrix FromTensor(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2)
            throw new ArgumentException(
                $"Expected a 2-D (N, d) tensor, got shape [{string.Join(", ", features.shape)}].", nameof(features));
        using var cpu = features.detach().to(ScalarType.Float32, CPU).contiguous();
        return new EmbeddingMatrix(cpu.data<float>().ToArray(), (int)features.shape[0], (int)features.shape[1]);
    }

    /// <summary>A new CPU float32 tensor holding a copy of the values. Shape: (Count, Dimension).</summary>
    public Tensor ToTensor() => tensor(values, [Count, Dimension], ScalarType.Float32);

    /// <summary>Rows as jagged arrays (copies).</summary>
    public float[][] ToRows()
    {
        var rows = new float[Count][];
        for (int i = 0; i < Count; i++) rows[i] = Row(i).ToArray();
        return rows;
    }

    /// <summary>Checks that <paramref name="labels"/> gives one non-negative class per row.</summary>
    internal void CheckLabels(IReadOnlyList<int> labels, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(labels, parameterName);
        if (labels.Count != Count)
            throw new ArgumentException(
                $"Expected {Count} labels (one per embedding), got {labels.Count}.", parameterName);
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] < 0)
                throw new ArgumentOutOfRangeException(
                    parameterName, labels[i], $"Label {i} is negative; classes are 0..C-1.");
    }
}
