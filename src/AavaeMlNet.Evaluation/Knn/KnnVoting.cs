namespace AavaeMlNet.Evaluation.Knn;

/// <summary>How the k nearest neighbours vote for a class.</summary>
public enum KnnVoting
{
    /// <summary>Each neighbour adds exp(similarity / T) to its class (InstDisc, DINO).</summary>
    Weighted,
    /// <summary>Each neighbour adds 1 to its class (plain majority).</summary>
    Majority,
}
