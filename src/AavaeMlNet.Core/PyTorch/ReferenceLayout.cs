namespace AavaeMlNet.PyTorch;

/// <summary>
/// The one name-mapping table between this project's state_dict and the reference implementation's
/// (Lightning-Universe/paper-AAVAE, src/vae.py with src/models/{resnet,projection}.py: the code of the published
/// checkpoints). Every key of the encoder, the projection head and the likelihood maps through exactly one row;
/// the decoder maps through none (see <see cref="ReferenceDecoderPrefix"/>).
/// </summary>
public static class ReferenceLayout
{
    /// <summary>
    /// (prefix here, prefix in the reference). A row whose prefix does not end in '.' names one tensor.
    /// The encoder's names agree below the prefix: conv1, bn1, layerN.I.{convK, bnK, downsample.0, downsample.1}
    /// (the reference's parameter-free maxpool has no entry). The projection head's Linear -> BatchNorm1d sit in the
    /// reference's Sequential "first_layer" at indices 0 and 1 (the ReLU is index 2).
    /// </summary>
    public static IReadOnlyList<(string Here, string Reference)> Rows { get; } =
    [
        ("encoder.", "encoder."),
        ("projection.fc.", "projection.first_layer.0."),
        ("projection.bn.", "projection.first_layer.1."),
        ("projection.mu.", "projection.mu."),
        ("projection.logvar.", "projection.logvar."),
        ("likelihood.log_scale", "log_scale"),
    ];

    /// <summary>
    /// The reference decoder's keys. They are never imported: that decoder differs from this project's in its
    /// last-stage width (h/16 against the base width), in its blocks (a resize before conv1 of a basic block, an
    /// upsample shortcut conv in every stage's first block) and in a ReLU after the seed 1x1 conv, so no
    /// exact mapping exists. Importing a file that holds them needs an explicit skip.
    /// </summary>
    public const string ReferenceDecoderPrefix = "decoder.";

    /// <summary>This project's decoder keys, which no row maps (neither imported nor exported).</summary>
    public const string DecoderPrefix = "decoder.";

    /// <summary>The reference name of a key of this project's state_dict, or null for a decoder key.</summary>
    public static string? ToReference(string name) => Translate(name, fromHere: true);

    /// <summary>This project's name for a reference key, or null where no row maps it.</summary>
    public static string? FromReference(string name) => Translate(name, fromHere: false);

    private static string? Translate(string name, bool fromHere)
    {
        foreach (var (here, reference) in Rows)
        {
            string from = fromHere ? here : reference;
            string to = fromHere ? reference : here;
            if (from.EndsWith('.') ? name.StartsWith(from, StringComparison.Ordinal) : name == from)
                return to + name[from.Length..];
        }
        return null;
    }
}
