using AavaeMlNet.Pixels;

namespace AavaeMlNet.Data.Readers;

/// <summary>Images as one array of CHW pixels in [0, 1] plus their labels, for probes that work on arrays.</summary>
public sealed record LabelledPixels(float[] Pixels, int[] Labels)
{
    public int Count => Labels.Length;

    public static LabelledPixels Read(ImageSource source)
    {
        var pixels = new List<float>();
        var labels = new List<int>();
        foreach (var record in source.Read())
        {
            pixels.AddRange(PixelScale.ToUnit(record.PixelsChw));
            labels.Add(record.Label);
        }
        return new LabelledPixels(pixels.ToArray(), labels.ToArray());
    }
}
