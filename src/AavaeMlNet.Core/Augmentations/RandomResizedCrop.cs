using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AavaeMlNet.Augmentations;

/// <summary>
/// Batched random resized crop with horizontal flip, one independent draw per sample (torchvision's algorithm:
/// up to ten tries at a crop with area fraction in <c>scale</c> and log-uniform aspect ratio in <c>ratio</c>, then a
/// centre crop). The crop is resampled bilinearly to the output size through affine_grid / grid_sample, with the
/// sampling grid spanning the crop's outer edges (so edge samples may blend half a pixel from just outside the crop,
/// where torchvision crops first and then resizes; the difference is below the interpolation's own blur).
/// Shape: (N, C, H, W) -> (N, C, outH, outW).
/// </summary>
public static class RandomResizedCrop
{
    private const int Attempts = 10;

    /// <summary>One crop rectangle in pixels (left, top, width, height) and whether it is mirrored.</summary>
    public readonly record struct CropBox(double Left, double Top, double Width, double Height, bool Flip);

    /// <summary>
    /// Draws one crop per sample. Consumes exactly N * 41 uniforms from <paramref name="generator"/>.
    /// </summary>
    public static CropBox[] Draw(long samples, int height, int width, (double Min, double Max) scale,
        (double Min, double Max) ratio, double flipProbability, Generator? generator)
    {
        var u = RandomDraws.Uniform(samples * (Attempts * 4 + 1), generator);
        var boxes = new CropBox[samples];
        double area = (double)height * width;
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (long i = 0; i < samples; i++)
        {
            int offset = (int)(i * (Attempts * 4 + 1));
            bool flip = u[offset + Attempts * 4] < flipProbability;
            CropBox? found = null;
            for (int attempt = 0; attempt < Attempts && found is null; attempt++)
            {
                int o = offset + attempt * 4;
                double targetArea = area * (scale.Min + (scale.Max - scale.Min) * u[o]);
                double aspect = Math.Exp(logMin + (logMax - logMin) * u[o + 1]);
                double w = Math.Round(Math.Sqrt(targetArea * aspect));
                double h = Math.Round(Math.Sqrt(targetArea / aspect));
                if (w > 0 && h > 0 && w <= width && h <= height)
                {
                    double left = Math.Floor(u[o + 2] * (width - w + 1));
                    double top = Math.Floor(u[o + 3] * (height - h + 1));
                    found = new CropBox(left, top, w, h, flip);
                }
            }
            boxes[i] = found ?? CentreCrop(height, width, ratio, flip);
        }
        return boxes;
    }

    /// <summary>Crops, flips and resizes every sample with its own box.</summary>
    public static Tensor Apply(Tensor images, CropBox[] boxes, long outHeight, long outWidth)
    {
        long n = images.shape[0];
        if (boxes.Length != n)
            throw new ArgumentException($"Expected {n} crop boxes, got {boxes.Length}.", nameof(boxes));
        double height = images.shape[2], width = images.shape[3];
        var theta = new float[n * 6];
        for (long i = 0; i < n; i++)
        {
            var box = boxes[i];
            // affine_grid maps output coordinates in [-1, 1] to input coordinates (align_corners = false):
            // x_in = sx * x_out + tx with the crop's edges at -1 and +1.
            double sx = box.Width / width * (box.Flip ? -1 : 1);
            double sy = box.Height / height;
            double tx = (2 * box.Left + box.Width) / width - 1;
            double ty = (2 * box.Top + box.Height) / height - 1;
            theta[i * 6 + 0] = (float)sx;
            theta[i * 6 + 2] = (float)tx;
            theta[i * 6 + 4] = (float)sy;
            theta[i * 6 + 5] = (float)ty;
        }
        using var scope = NewDisposeScope();
        var thetaTensor = tensor(theta, dtype: images.dtype, device: images.device).view(n, 2, 3);
        var grid = F.affine_grid(thetaTensor, [n, images.shape[1], outHeight, outWidth], align_corners: false);
        var output = F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border,
            align_corners: false);
        return output.MoveToOuterDisposeScope();
    }

    private static CropBox CentreCrop(int height, int width, (double Min, double Max) ratio, bool flip)
    {
        double inRatio = (double)width / height;
        double w = width, h = height;
        if (inRatio < ratio.Min) h = Math.Round(w / ratio.Min);
        else if (inRatio > ratio.Max) w = Math.Round(h * ratio.Max);
        return new CropBox(Math.Floor((width - w) / 2), Math.Floor((height - h) / 2), w, h, flip);
    }
}
