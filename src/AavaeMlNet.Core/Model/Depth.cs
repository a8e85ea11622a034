using AavaeMlNet.Settings;

namespace AavaeMlNet.Model;

/// <summary>
/// ResNet depth of the encoder, mirrored by the decoder (paper Fig. 4c: decoder depth matters little).
/// </summary>
public enum Depth
{
    /// <summary>ResNet-18: basic blocks [2, 2, 2, 2]; features h = 8 x base width (512 at width 1).</summary>
    [SettingValue("18")]
    ResNet18 = 18,
    /// <summary>ResNet-34: basic blocks [3, 4, 6, 3]; h = 8 x base width (512 at width 1).</summary>
    [SettingValue("34")]
    ResNet34 = 34,
    /// <summary>
    /// ResNet-50: bottleneck blocks [3, 4, 6, 3]; h = 32 x base width (2048 at width 1). The paper's default.
    /// </summary>
    [SettingValue("50")]
    ResNet50 = 50,
}

internal static class DepthLayout
{
    public static int[] Blocks(Depth depth) => depth switch
    {
        Depth.ResNet18 => [2, 2, 2, 2],
        _ => [3, 4, 6, 3],
    };

    public static bool UsesBottleneck(Depth depth) => depth == Depth.ResNet50;

    public static int Expansion(Depth depth) => UsesBottleneck(depth) ? 4 : 1;
}
