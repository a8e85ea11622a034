using AavaeMlNet.Evaluation.Embeddings;

namespace AavaeMlNet.Evaluation.Tests.TestData;

/// <summary>
/// Gaussian clusters: class c sits at 5 * e_c plus noise in d dimensions; the default std of 0.3 separates them
/// well, a std of several units makes them overlap.
/// </summary>
internal static class SeparableClusters
{
    public static (EmbeddingMatrix Embeddings, int[] Labels) Create(int classes, int perClass, int dimension, int seed,
        double noise = 0.3)
    {
        var random = new Random(seed);
        var values = new float[classes * perClass * dimension];
        var labels = new int[classes * perClass];
        for (int i = 0; i < labels.Length; i++)
        {
            int label = i % classes;
            labels[i] = label;
            for (int k = 0; k < dimension; k++)
            {
                double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()))
                    * Math.Cos(2 * Math.PI * random.NextDouble());
                values[i * dimension + k] = (float)((k == label ? 5 : 0) + noise * gaussian);
            }
        }
        return (new EmbeddingMatrix(values, labels.Length, dimension), labels);
    }
}
