namespace AavaeMlNet.Cli.Tests;

/// <summary>Comparison of two sets of embeddings, row by row.</summary>
public static class EmbeddingComparison
{
    /// <summary>Asserts equal counts and lengths; returns the largest absolute difference of any element.</summary>
    public static double MaxDifference(IReadOnlyList<float[]> expected, IReadOnlyList<float[]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
                worst = Math.Max(worst, Math.Abs(expected[i][j] - actual[i][j]));
        }
        return worst;
    }
}
