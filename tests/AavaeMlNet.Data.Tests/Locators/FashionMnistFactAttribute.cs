using AavaeMlNet.Data.Locators;

namespace AavaeMlNet.Data.Tests.Locators;

/// <summary>A fact that runs only where the Debian package dataset-fashion-mnist is installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (FashionMnistLocator.FindIn(FashionMnistLocator.DebianDirectory) is null)
        {
            Skip = $"{FashionMnistLocator.DebianDirectory} is absent (apt-get install dataset-fashion-mnist).";
        }
    }
}
