namespace AavaeMlNet.Core.Tests.Training;

/// <summary>A fact about machines without CUDA: where CUDA is present it is reported as skipped, not passed.</summary>
public sealed class WithoutCudaFactAttribute : FactAttribute
{
    public WithoutCudaFactAttribute()
    {
        if (TorchSharp.torch.cuda.is_available()) Skip = "CUDA is available here: the no-CUDA error cannot occur.";
    }
}
