using AavaeMlNet.Evaluation.Analyses;
using AavaeMlNet.Evaluation.Embeddings;

namespace AavaeMlNet.Evaluation.Tests.Analyses;

public sealed class SimilarityMatrixTests
{
    [Fact]
    public void OrthogonalVectorsGiveZeroIdenticalDirectionsOneAndZeroRowsZero()
    {
        var embeddings = EmbeddingMatrix.FromRows([[1, 0, 0], [3, 0, 0], [0, 2, 0], [0, 0, 0]]);

        var matrix = SimilarityMatrix.Compute(embeddings, images: 4, views: 1);

        Assert.Equal(1, matrix[0, 1], precision: 12);
        Assert.Equal(0, matrix[0, 2], precision: 12);
        Assert.Equal(1, matrix[2, 2], precision: 12);
        Assert.Equal(0, matrix[3, 3], precision: 12);
        Assert.Equal(matrix[1, 2], matrix[2, 1]);
    }

    [Fact]
    public void BlockContrastIsWithinImageMeanMinusAcrossImageMean()
    {
        // Image 0: views (1,0,0), (1,1,0); image 1: views (0,0,1), (0,1,1).
        // Within: both pairs have cosine 1/sqrt(2). Across: only (1,1,0).(0,1,1) is non-zero, 1/2; the mean over the
        // eight ordered across-image pairs is 2 * 0.5 / 8 = 0.125.
        var embeddings = EmbeddingMatrix.FromRows([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]]);

        var contrast = SimilarityMatrix.Compute(embeddings, images: 2, views: 2).Contrast();

        Assert.Equal(1 / Math.Sqrt(2), contrast.WithinImage, precision: 6);
        Assert.Equal(0.125, contrast.AcrossImages, precision: 6);
        Assert.Equal(1 / Math.Sqrt(2) - 0.125, contrast.Contrast, precision: 6);
    }

    [Fact]
    public void CollapsedEmbeddingsHaveNoContrast()
    {
        var embeddings = EmbeddingMatrix.FromRows(Enumerable.Repeat(new float[] { 0.3f, 0.4f }, 6).ToArray());
        var contrast = SimilarityMatrix.Compute(embeddings, images: 3, views: 2).Contrast();
        Assert.Equal(0, contrast.Contrast, precision: 6);
    }

    [Fact]
    public void ACountThatIsNotImagesTimesViewsIsRejected() =>
        Assert.Throws<ArgumentException>(
            () => SimilarityMatrix.Compute(EmbeddingMatrix.FromRows([[1f], [2f], [3f]]), 2, 2));
}
