using AavaeMlNet.Evaluation.Embeddings;
using static TorchSharp.torch;

namespace AavaeMlNet.Evaluation.Analyses;

/// <summary>
/// A 2-D map of embeddings by principal component analysis: centre, take the two leading eigenvectors of the covariance
/// (symmetric eigendecomposition in float64, deterministic), and project. Each component's sign is fixed so that its
/// entry of largest magnitude is positive, which makes the map reproducible across runs and libraries.
/// </summary>
public sealed class PcaMap
{
    private PcaMap(double[] mean, double[][] components, double[] variances, double[][] coordinates)
    {
        Mean = mean;
        Components = components;
        ExplainedVariance = variances;
        Coordinates = coordinates;
    }

    /// <summary>The mean embedding that was subtracted. Shape: (d).</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>The two unit-norm principal directions, leading first. Shape: (2, d).</summary>
    public IReadOnlyList<double[]> Components { get; }

    /// <summary>Variance of the data along each component (covariance eigenvalue, divisor N - 1).</summary>
    public IReadOnlyList<double> ExplainedVariance { get; }

    /// <summary>Each embedding's coordinates on the two components. Shape: (N, 2).</summary>
    public IReadOnlyList<double[]> Coordinates { get; }

    /// <summary>
    /// Fits the two leading components on <paramref name="embeddings"/> (at least 2 rows, d at least 2).
    /// </summary>
    public static PcaMap Fit(EmbeddingMatrix embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count < 2) throw new ArgumentException("PCA needs at least two embeddings.", nameof(embeddings));
        if (embeddings.Dimension < 2)
            throw new ArgumentException(
                "A 2-D PCA map needs embeddings of at least two dimensions.", nameof(embeddings));
        int d = embeddings.Dimension;

        using var scope = NewDisposeScope();
        var x = embeddings.ToTensor().to(ScalarType.Float64);
        var mean = x.mean([0L]);
        var centred = x - mean;
        var covariance = centred.t().matmul(centred) / (embeddings.Count - 1);
        var (eigenvalues, eigenvectors) = linalg.eigh(covariance); // ascending eigenvalues, vectors in columns

        var values = eigenvalues.data<double>().ToArray();
        var vectors = eigenvectors.contiguous().data<double>().ToArray(); // row-major (d, d)
        var components = new double[2][];
        var variances = new double[2];
        for (int c = 0; c < 2; c++)
        {
            int column = d - 1 - c;
            var direction = new double[d];
            for (int r = 0; r < d; r++) direction[r] = vectors[r * d + column];
            FixSign(direction);
            components[c] = direction;
            variances[c] = Math.Max(0, values[column]);
        }

        var meanValues = mean.data<double>().ToArray();
        var coordinates = new double[embeddings.Count][];
        for (int i = 0; i < embeddings.Count; i++)
        {
            var row = embeddings.Row(i);
            coordinates[i] = new double[2];
            for (int c = 0; c < 2; c++)
            {
                double sum = 0;
                for (int k = 0; k < d; k++) sum += (row[k] - meanValues[k]) * components[c][k];
                coordinates[i][c] = sum;
            }
        }
        return new PcaMap(meanValues, components, variances, coordinates);
    }

    private static void FixSign(double[] direction)
    {
        int largest = 0;
        for (int k = 1; k < direction.Length; k++)
            if (Math.Abs(direction[k]) > Math.Abs(direction[largest])) largest = k;
        if (direction[largest] < 0)
            for (int k = 0; k < direction.Length; k++) direction[k] = -direction[k];
    }
}
