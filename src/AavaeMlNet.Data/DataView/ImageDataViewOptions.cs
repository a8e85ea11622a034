namespace AavaeMlNet.Data.DataView;

/// <summary>Column names of an <see cref="ImageDataView"/>.</summary>
public sealed class ImageDataViewOptions
{
    /// <summary>
    /// Name of the pixel column, Vector&lt;Single&gt; of size C*H*W in CHW order, values in [0, 1]. Default "Image".
    /// </summary>
    public string ImageColumnName { get; init; } = "Image";

    /// <summary>
    /// Name of the label column (Single, 0-based class index), present only for labeled sources. Default "Label".
    /// </summary>
    public string LabelColumnName { get; init; } = "Label";
}
