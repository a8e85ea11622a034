using AavaeMlNet.Evaluation.Embeddings;

namespace AavaeMlNet.Evaluation.Analyses;

/// <summary>How much the views of one image agree compared with different images (paper Fig. 5).</summary>
/// <param name="WithinImage">Mean cosine similarity between two different views of the same image.</param>
/// <param name="AcrossImages">Mean cosine similarity between views of two different images.</param>
/// <param name="Contrast">WithinImage - AcrossImages: large for AAVAE's block structure, near
/// 0 for a collapsed VAE.</param>
public sealed record BlockContrast(double WithinImage, double AcrossImages, double Contrast);

/// <summary>
/// The cosine-similarity matrix of the paper's Fig. 5: several augmented views of several images, image-major
/// (row = image * views + view), so that an encoder which maps an image's views together shows diagonal blocks.
/// </summary>
public sealed class SimilarityMatrix
{
    private readonly double[,] values;

    private SimilarityMatrix(double[,] values, int images, int views)
    {
        this.values = values;
        Images = images;
        Views = views;
    }

    /// <summary>Number of images.</summary>
    public int Images { get; }

    /// <summary>Views per image.</summary>
    public int Views { get; }

    /// <summary>Side of the matrix, Images * Views.</summary>
    public int Size => Images * Views;

    /// <summary>Cosine similarity between rows i and j.</summary>
    public double this[int i, int j] => values[i, j];

    /// <summary>A copy of the matrix. Shape: (Images * Views, Images * Views).</summary>
    public double[,] ToArray() => (double[,])values.Clone();

    /// <summary>
    /// Cosine similarities of all pairs of rows of <paramref name="embeddings"/>, shape (images * views, d),
    /// image-major. A zero row has similarity 0 with everything (itself included).
    /// </summary>
    public static SimilarityMatrix Compute(EmbeddingMatrix embeddings, int images, int views)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(views);
        if (embeddings.Count != images * views)
            throw new ArgumentException(
                $"Expected {images} images x {views} views = {images * views} embeddings, got {embeddings.Count}.",
                nameof(embeddings));
        int n = embeddings.Count;
        var norms = new double[n];
        for (int i = 0; i < n; i++) norms[i] = Math.Sqrt(Dot(embeddings.Row(i), embeddings.Row(i)));
        var values = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                double denominator = norms[i] * norms[j];
                double cosine = denominator == 0 ? 0 : Dot(embeddings.Row(i), embeddings.Row(j)) / denominator;
                values[i, j] = values[j, i] = Math.Clamp(cosine, -1, 1);
            }
        }
        return new SimilarityMatrix(values, images, views);
    }

    /// <summary>
    /// Mean similarity within an image's views (pairs of distinct views; the diagonal's trivial 1s are left
    /// out) minus the mean similarity across images. With one view per image the within-image mean is
    /// undefined and reported as NaN.
    /// </summary>
    public BlockContrast Contrast()
    {
        double within = 0, across = 0;
        long withinPairs = 0, acrossPairs = 0;
        for (int i = 0; i < Size; i++)
        {
            for (int j = 0; j < Size; j++)
            {
                if (i == j) continue;
                if (i / Views == j / Views)
                {
                    within += values[i, j];
                    withinPairs++;
                }
                else
                {
                    across += values[i, j];
                    acrossPairs++;
                }
            }
        }
        double withinMean = withinPairs == 0 ? double.NaN : within / withinPairs;
        double acrossMean = acrossPairs == 0 ? double.NaN : across / acrossPairs;
        return new BlockContrast(withinMean, acrossMean, withinMean - acrossMean);
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int k = 0; k < a.Length; k++) sum += (double)a[k] * b[k];
        return sum;
    }
}
