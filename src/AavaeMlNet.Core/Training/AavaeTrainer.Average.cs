namespace AavaeMlNet.Training;

/// <summary>
/// The weight average's hand-over (<see cref="TrainingOptions.WeightAverageDecay"/>): at the end of a Fit the model
/// takes the average and the average keeps the last step's weights; a checkpoint write or a further Fit hands them
/// back.
/// </summary>
public sealed partial class AavaeTrainer
{
    // True once Fit handed the average to the model: the average then holds the last step's weights.
    private bool averageHandedOver;

    // At the end of a Fit the model takes the average (the average keeps the last step's weights).
    private void HandOverAverage()
    {
        if (average is null || averageHandedOver) return;
        average.Swap(Model);
        averageHandedOver = true;
    }

    // After a Fit the model holds the average: training goes on from the last step's weights.
    private void HandBackAverage()
    {
        if (!averageHandedOver) return;
        average!.Swap(Model);
        averageHandedOver = false;
    }
}
