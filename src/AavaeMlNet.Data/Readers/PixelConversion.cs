namespace AavaeMlNet.Data.Readers;

/// <summary>Pixel layout conversions for decoded images: interleaved 32-bit to CHW, resize, grayscale.</summary>
internal static class PixelConversion
{
    /// <summary>Interleaved 4-byte pixels (RGBA or BGRA) to 3 planes R, G, B.</summary>
    public static byte[] ToRgbChw(ReadOnlySpan<byte> interleaved, int width, int height, bool bgra)
    {
        int plane = width * height;
        var chw = new byte[3 * plane];
        int r = bgra ? 2 : 0, b = bgra ? 0 : 2;
        for (int p = 0; p < plane; p++)
        {
            chw[p] = interleaved[4 * p + r];
            chw[plane + p] = interleaved[4 * p + 1];
            chw[2 * plane + p] = interleaved[4 * p + b];
        }
        return chw;
    }

    /// <summary>RGB planes to one luma plane: round(0.299 R + 0.587 G + 0.114 B), exact for gray input.</summary>
    public static byte[] ToGray(byte[] rgbChw, int plane)
    {
        var gray = new byte[plane];
        for (int p = 0; p < plane; p++)
        {
            gray[p] = (byte)((299 * rgbChw[p] + 587 * rgbChw[plane + p] + 114 * rgbChw[2 * plane + p] + 500) / 1000);
        }
        return gray;
    }

    /// <summary>Bilinear resize of each plane with pixel-centre alignment (as align_corners = false).</summary>
    public static byte[] ResizeBilinear(byte[] chw, int channels, int height, int width, int outHeight, int outWidth)
    {
        var result = new byte[channels * outHeight * outWidth];
        double sy = (double)height / outHeight, sx = (double)width / outWidth;
        for (int y = 0; y < outHeight; y++)
        {
            double fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, height - 1);
            double wy = fy - y0;
            for (int x = 0; x < outWidth; x++)
            {
                double fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, width - 1);
                double wx = fx - x0;
                for (int c = 0; c < channels; c++)
                {
                    int o = c * height * width;
                    double top = chw[o + y0 * width + x0] * (1 - wx) + chw[o + y0 * width + x1] * wx;
                    double bottom = chw[o + y1 * width + x0] * (1 - wx) + chw[o + y1 * width + x1] * wx;
                    result[c * outHeight * outWidth + y * outWidth + x] = (byte)Math.Round(top * (1 - wy) + bottom * wy);
                }
            }
        }
        return result;
    }
}
