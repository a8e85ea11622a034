using AavaeMlNet.Augmentations;
using AavaeMlNet.Io;
using AavaeMlNet.Model;
using AavaeMlNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// Import of the reference implementation's checkpoints into <see cref="AavaeModel"/>, and export back to a
/// state_dict with the reference names. All names go through <see cref="ReferenceLayout"/>; every missing key,
/// unexpected key, shape or type mismatch is an error that names the key and both shapes.
/// </summary>
public static class ReferenceImporter
{
    /// <summary>Reads <paramref name="path"/> and builds the model it describes.</summary>
    public static ReferenceImport Import(string path, ReferenceImportOptions? options = null)
    {
        using var checkpoint = ReferenceCheckpoint.Load(path);
        return Import(checkpoint, options ?? new ReferenceImportOptions());
    }

    /// <summary>Builds the model <paramref name="checkpoint"/> describes and loads its tensors.</summary>
    public static ReferenceImport Import(ReferenceCheckpoint checkpoint, ReferenceImportOptions options)
    {
        var notes = new List<string>();
        var config = ReferenceSettings.Config(checkpoint, options, notes);
        var model = new AavaeModel(config);
        try
        {
            int skipped = Load(model, checkpoint, options);
            notes.Add(skipped > 0
                ? $"decoder: not imported ({skipped} decoder.* tensors skipped: the reference decoder's " +
                  "layout differs); it starts from fresh weights"
                : "decoder: not in the file; it starts from fresh weights");
            var augmentation = ReferenceSettings.Augmentation(checkpoint, options, config, notes);
            var training = ReferenceSettings.Training(checkpoint.Hyperparameters);
            int imported = HereNames(model).Count;
            return new ReferenceImport(model, augmentation, training, imported, skipped, notes);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The reference implementation's command-line arguments (src/vae.py) that build the model matching
    /// <paramref name="config"/>: encoder_name, h_dim, latent_dim, input_height, first_conv3x3, remove_first_maxpool.
    /// </summary>
    public static string ReferenceArguments(AavaeConfig config) => ReferenceSettings.Arguments(config);

    /// <summary>
    /// Writes the encoder, projection head and log_scale of <paramref name="model"/> as a state_dict with the
    /// reference names (torch.save's format, atomically). The reference module loads it with
    /// <c>load_state_dict(torch.load(path), strict=False)</c>; its missing keys are exactly the decoder's.
    /// </summary>
    public static int Export(AavaeModel model, string path)
    {
        var config = model.Config;
        if (config.Channels != 3)
            throw new NotSupportedException(
                $"The reference ResNet takes 3-channel images; this model takes {config.Channels}.");
        if (config.Stem == Stem.Small)
            throw new NotSupportedException(
                "The reference ResNet has no 'Small' stem (its last stage always has stride 2); export needs the " +
                "Cifar, Stl or ImageNet stem.");
        if (config.ExpandFeatures is { } expanded)
            throw new NotSupportedException(
                $"The reference ResNet has no feature expansion layer; this model expands its last stage to " +
                $"{expanded} features (ExpandFeatures): export needs a model trained without it.");
        if (config.DecoderBlocks != 0)
            throw new NotSupportedException(
                $"The reference decoder mirrors the encoder's stages; this model has {config.DecoderBlocks} block(s) " +
                "per decoder stage (DecoderBlocks): export needs a model trained with DecoderBlocks = 0.");
        var names = HereNames(model);
        var entries = new List<(string Name, Tensor Value)>(names.Count);
        foreach (var (name, value) in names)
            entries.Add((ReferenceLayout.ToReference(name)!, value));
        AtomicFile.Write(path, stream => TorchFile.SaveStateDict(stream, "archive", entries));
        return entries.Count;
    }

    // Every parameter and buffer outside the decoder, by this project's name.
    private static List<(string Name, Tensor Value)> HereNames(AavaeModel model)
    {
        var names = new List<(string, Tensor)>();
        foreach (var (name, value) in model.state_dict())
        {
            if (name.StartsWith(ReferenceLayout.DecoderPrefix, StringComparison.Ordinal)) continue;
            if (ReferenceLayout.ToReference(name) is null)
                throw new InvalidOperationException($"'{name}' has no row in the reference name table.");
            names.Add((name, value));
        }
        return names;
    }

    private static int Load(AavaeModel model, ReferenceCheckpoint checkpoint, ReferenceImportOptions options)
    {
        var here = HereNames(model);
        var problems = new List<string>();
        var mapped = new HashSet<string>();
        foreach (var (name, target) in here)
        {
            string reference = ReferenceLayout.ToReference(name)!;
            mapped.Add(reference);
            if (!checkpoint.StateDict.TryGetValue(reference, out var source))
                problems.Add($"missing key '{reference}' (here '{name}', shape {Shape(target)}; absent in the file)");
            else if (!source.shape.SequenceEqual(target.shape))
                problems.Add($"shape mismatch for '{reference}' (here '{name}'): the file has {Shape(source)}, " +
                             $"this model {Shape(target)}");
            else if (source.dtype != target.dtype)
                problems.Add($"type mismatch for '{reference}': the file has {source.dtype}, " +
                             $"this model {target.dtype}");
        }
        int decoder = 0;
        foreach (var (reference, source) in checkpoint.StateDict)
        {
            if (reference.StartsWith(ReferenceLayout.ReferenceDecoderPrefix, StringComparison.Ordinal)) decoder++;
            else if (!mapped.Contains(reference))
                problems.Add($"unexpected key '{reference}' (shape {Shape(source)} in the file; no tensor here)");
        }
        if (decoder > 0 && !options.SkipDecoder)
            problems.Insert(0, $"the file holds the reference decoder ({decoder} decoder.* tensors), which does not " +
                               "map onto this project's decoder; import the encoder and projection head with " +
                               "SkipDecoder = true, the decoder then starts from fresh weights");
        if (problems.Count > 0)
        {
            var shown = problems.Take(8).ToList();
            if (problems.Count > shown.Count) shown.Add($"and {problems.Count - shown.Count} more");
            throw new InvalidDataException(
                $"'{checkpoint.Path}' does not match a {model.Config.Depth} AAVAE ({model.Config.Stem} stem, " +
                $"width x{model.Config.WidthMultiplier}, latent {model.Config.LatentDim}): " +
                $"{string.Join("; ", shown)}.");
        }
        using var noGrad = no_grad();
        foreach (var (name, target) in here)
            target.copy_(checkpoint.StateDict[ReferenceLayout.ToReference(name)!]);
        return decoder;
    }

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
