using AavaeMlNet.Evaluation.Analyses;
using AavaeMlNet.Evaluation.Embeddings;

namespace AavaeMlNet.Evaluation.Tests.Analyses;

public sealed class PcaMapTests
{
    [Fact]
    public void PointsAlongADirectionGiveThatDirectionWithItsLargestEntryPositive()
    {
        // Points at offset + t * (0.6, 0.8, 0) plus a small alternating spread along (-0.8, 0.6, 0).
        var rows = new List<float[]>();
        for (int t = -5; t <= 5; t++)
        {
            double spread = t % 2 == 0 ? 0.1 : -0.1;
            rows.Add([(float)(10 + 0.6 * t - 0.8 * spread), (float)(-2 + 0.8 * t + 0.6 * spread), 7]);
        }

        var map = PcaMap.Fit(EmbeddingMatrix.FromRows(rows));

        Assert.Equal(0.6, map.Components[0][0], precision: 5);
        Assert.Equal(0.8, map.Components[0][1], precision: 5);
        Assert.Equal(0.0, map.Components[0][2], precision: 5);
        // The second direction is +-(-0.8, 0.6, 0); the sign convention makes the largest-magnitude entry positive.
        Assert.Equal(0.8, map.Components[1][0], precision: 4);
        Assert.Equal(-0.6, map.Components[1][1], precision: 4);
        Assert.Equal(-5, map.Coordinates[0][0], precision: 4);
        Assert.Equal(5, map.Coordinates[^1][0], precision: 4);
        // The sum of t^2 over -5..5 is 110, divided by N - 1 = 10.
        Assert.Equal(11.0, map.ExplainedVariance[0], precision: 4);
    }
}
