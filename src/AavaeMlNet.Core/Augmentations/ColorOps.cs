using AavaeMlNet.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.Augmentations;

/// <summary>
/// Per-sample colour operations on images in [0, 1], following torchvision's definitions. Factor tensors have
/// shape (N, 1, 1, 1) so that every sample gets its own value. Shape: (N, C, H, W) -> (N, C, H, W).
/// </summary>
public static class ColorOps
{
    // The luma weights as held Scalars (see HeldScalars).
    private static readonly Scalar RedWeight = 0.2989f.ToScalar();
    private static readonly Scalar GreenWeight = 0.587f.ToScalar();
    private static readonly Scalar BlueWeight = 0.114f.ToScalar();

    // The constants of the hue rotation, held likewise, with the types the operators would pass.
    private static readonly Scalar OneTurn = 1.0.ToScalar();
    private static readonly Scalar OneFloat = 1.0f.ToScalar();
    private static readonly Scalar TwoFloat = 2.0f.ToScalar();
    private static readonly Scalar FourFloat = 4.0f.ToScalar();
    private static readonly Scalar SixFloat = 6.0f.ToScalar();
    private static readonly Scalar Sectors = 6.ToScalar();

    /// <summary>
    /// ITU-R 601-2 luma, as torchvision's rgb_to_grayscale. Shape: (N, 3, H, W) -> (N, 1,
    /// H, W); 1 channel passes through.
    /// </summary>
    public static Tensor Grayscale(Tensor images)
    {
        if (images.shape[1] == 1) return images.alias();
        using var scope = NewDisposeScope();
        var channels = images.unbind(1);
        var gray = channels[0].mul(RedWeight).Plus(channels[1].mul(GreenWeight)).Plus(channels[2].mul(BlueWeight));
        return gray.unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>x * factor, clamped to [0, 1].</summary>
    public static Tensor AdjustBrightness(Tensor images, Tensor factor) => (images * factor).ClampToPixels();

    /// <summary>
    /// Blend with the mean of the sample's grayscale image: factor * x + (1 - factor) * mean, clamped.
    /// </summary>
    public static Tensor AdjustContrast(Tensor images, Tensor factor)
    {
        using var scope = NewDisposeScope();
        var mean = Grayscale(images).mean([1L, 2L, 3L], keepdim: true);
        return Blend(images, mean, factor).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Blend with the per-pixel grayscale image: factor * x + (1 - factor) * gray, clamped (RGB only).
    /// </summary>
    public static Tensor AdjustSaturation(Tensor images, Tensor factor)
    {
        using var scope = NewDisposeScope();
        return Blend(images, Grayscale(images), factor).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rotates the hue by <paramref name="shift"/> (fraction of a turn, in [-0.5, 0.5]) in HSV space (RGB only).
    /// </summary>
    public static Tensor AdjustHue(Tensor images, Tensor shift)
    {
        using var scope = NewDisposeScope();
        var (h, s, v) = RgbToHsv(images);
        h = h.Plus(shift).remainder(OneTurn);
        return HsvToRgb(h, s, v).MoveToOuterDisposeScope();
    }

    private static Tensor Blend(Tensor images, Tensor other, Tensor factor) =>
        (factor * images).Plus(factor.OneMinus() * other).ClampToPixels();

    private static (Tensor H, Tensor S, Tensor V) RgbToHsv(Tensor images)
    {
        var rgb = images.unbind(1);
        Tensor r = rgb[0].unsqueeze(1), g = rgb[1].unsqueeze(1), b = rgb[2].unsqueeze(1);
        var maxc = images.amax([1L], keepdim: true);
        var minc = images.amin([1L], keepdim: true);
        var equal = maxc.eq(minc);
        var chroma = maxc - minc;
        var ones = ones_like(maxc);
        var s = chroma / where(equal, ones, maxc);
        var divisor = where(equal, ones, chroma);
        var rc = (maxc - r) / divisor;
        var gc = (maxc - g) / divisor;
        var bc = (maxc - b) / divisor;
        var isR = maxc.eq(r);
        var isG = maxc.eq(g).logical_and(isR.logical_not());
        var isB = isR.logical_or(isG).logical_not();
        var h = where(isR, bc - gc, zeros_like(maxc))
            .Plus(where(isG, rc.Plus(TwoFloat) - bc, zeros_like(maxc)))
            .Plus(where(isB, gc.Plus(FourFloat) - rc, zeros_like(maxc)));
        h = h.div(SixFloat).Plus(OneFloat).remainder(OneTurn);
        return (h, s, maxc);
    }

    private static Tensor HsvToRgb(Tensor h, Tensor s, Tensor v)
    {
        var i = h.mul(SixFloat).floor();
        var f = h.mul(SixFloat) - i;
        var sector = i.to(ScalarType.Int64).remainder(Sectors);
        var p = (v * s.OneMinus()).ClampToPixels();
        var q = (v * (s * f).OneMinus()).ClampToPixels();
        var t = (v * (s * f.OneMinus()).OneMinus()).ClampToPixels();
        // Sector k of the hue circle picks (r, g, b) from (v, t, p, q) as in the classic HSV-to-RGB table.
        var red = stack([v, q, p, p, t, v], 1);
        var green = stack([t, v, v, q, p, p], 1);
        var blue = stack([p, p, t, v, v, q], 1);
        var index = sector.unsqueeze(1);
        return cat(
            [red.gather(1, index).squeeze(1), green.gather(1, index).squeeze(1), blue.gather(1, index).squeeze(1)], 1);
    }
}
