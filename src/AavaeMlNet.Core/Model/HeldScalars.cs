using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.Model;

/// <summary>
/// The numbers of every training step's tensor arithmetic as Scalars that live as long as the process.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns a number given to a tensor operation (<c>t * 0.5</c>, <c>t.clamp(0, 1)</c>, and the alpha
/// of 1 that <c>a + b</c> passes) into a temporary Scalar that nothing holds once its native handle has been read. A
/// garbage collection that another thread starts during the native call can then run its finalizer while libtorch
/// still reads it: "Expected false to be true" from c10/core/Scalar.h, which ended a one-hour run in Adam (hence
/// <see cref="Training.Adam"/>) and a 10-minute run in a residual sum. Static Scalars are never collected, so the
/// model's forward pass, its loss and the views' colour ops use these instead. The results are bit for bit those of
/// the implicit conversions (the same value and type: int where TorchSharp passes an int).
/// </remarks>
internal static class HeldScalars
{
    /// <summary>1 as an int: the alpha of <c>a + b</c>, and the 1 of <c>1 - t</c>.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>2 as an int.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>0 as an int: the lower bound of a pixel.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>0.5 as a double.</summary>
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>a + b without a temporary Scalar.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + value without temporary Scalars (value must be held by the caller).</summary>
    public static Tensor Plus(this Tensor a, Scalar value) => a.add(value, One);

    /// <summary>Clamped to [0, 1], the range of pixels, without temporary Scalars.</summary>
    public static Tensor ClampToPixels(this Tensor t) => t.clamp(Zero, One);

    /// <summary>1 - t without a temporary Scalar.</summary>
    public static Tensor OneMinus(this Tensor t) => t.neg().add(One, One);
}
