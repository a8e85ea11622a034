namespace AavaeMlNet.Onnx;

/// <summary>Names and shapes of the exported graph. The defaults match the documented ONNX interface.</summary>
public sealed record EncoderExportOptions
{
    /// <summary>Name of the input: float32 (N, C, H, W) with values in [0, 1], not normalized.</summary>
    public string InputName { get; init; } = "image";

    /// <summary>
    /// Name of the embedding output, float32 (N, EmbeddingDim): the pooled backbone features h (the paper's
    /// representation), then the encoder's embedding grid when it has one.
    /// </summary>
    public string EmbeddingName { get; init; } = "embedding";

    /// <summary>
    /// Also output the projection head's mean of q(z|x), float32 (N, latent). Needs an <c>AavaeModel</c>.
    /// </summary>
    public bool IncludeMu { get; init; } = false;

    /// <summary>Name of the optional mu output.</summary>
    public string MuName { get; init; } = "mu";

    /// <summary>
    /// One image per call: the batch dimension is fixed at 1 and the outputs are squeezed to rank 1, (EmbeddingDim)
    /// and (latent). This is the form ML.NET's OnnxTransformer maps to plain Vector&lt;Single, n&gt; columns.
    /// </summary>
    public bool SingleImage { get; init; } = false;

    /// <summary>
    /// Check the input inside the graph: a NaN, infinite or out-of-range value (outside [0, 1] with the tolerance of
    /// <c>PixelScale</c>) makes ONNX Runtime fail in the node named "input_check.pixels_must_be_finite_and_in_0_1"
    /// rather than return NaN or meaningless embeddings. The model.zip of the transformer sets it; off by default.
    /// </summary>
    public bool CheckPixels { get; init; } = false;

    /// <summary>Symbolic name of the batch dimension.</summary>
    public string BatchDimName { get; init; } = "N";

    /// <summary>
    /// Fixed input height; null takes the model's configured height when exporting an <c>AavaeModel</c>, and a
    /// symbolic "H" when exporting a bare encoder (the encoder itself accepts any size). A bare encoder with an
    /// embedding grid needs both sizes: the grid's regions are laid out for one map size.
    /// </summary>
    public int? Height { get; init; }

    /// <summary>Fixed input width; null as for <see cref="Height"/> (symbolic "W").</summary>
    public int? Width { get; init; }

    /// <summary>
    /// Further key-value pairs for the model's metadata_props (the transformer stores its recipe here).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>
    /// Also output every activation that an int8 export quantizes (the outputs of the convolutions, ReLUs, residual
    /// additions and the input normalization), each under its node's name, float32 of inferred shape: the graph that
    /// calibration runs to measure <see cref="Int8Ranges"/>. Not with <see cref="Int8Ranges"/>.
    /// </summary>
    public bool ExposeActivations { get; init; } = false;

    /// <summary>
    /// Write an int8 graph: convolution weights quantized per output channel (symmetric int8) and every exposed
    /// activation quantized to uint8 with the range given for it (keyed by the names that
    /// <see cref="ExposeActivations"/> outputs), in ONNX's QDQ form that ONNX Runtime runs with int8 kernels. Null:
    /// float32 throughout.
    /// </summary>
    public IReadOnlyDictionary<string, ActivationRange>? Int8Ranges { get; init; }
}
