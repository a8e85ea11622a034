namespace AavaeMlNet.Core.Tests.Training;

/// <summary>A fact about training on CUDA: skipped, with the reason, where this build or machine has no CUDA.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!TorchSharp.torch.cuda.is_available())
            Skip = "CUDA is not available here (CPU build of TorchSharp, or no GPU): the device cannot be tested.";
    }
}
