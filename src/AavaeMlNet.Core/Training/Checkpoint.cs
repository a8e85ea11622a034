using System.Text;
using AavaeMlNet.Io;
using AavaeMlNet.Model;
using static TorchSharp.torch;

namespace AavaeMlNet.Training;

/// <summary>
/// The native checkpoint: header (JSON), random-generator state, model weights and buffers, optimizer state, the
/// weight average where the run keeps one (<see cref="TrainingOptions.WeightAverageDecay"/>), and an end marker that
/// exposes truncation. Written through <see cref="AtomicFile"/>, so an interrupted write never
/// replaces a good checkpoint.
/// </summary>
public static class Checkpoint
{
    /// <summary>File name of the most recent checkpoint in a checkpoint directory.</summary>
    public const string LatestFileName = "last.ckpt";

    private static readonly byte[] Magic = "AAVAECK1"u8.ToArray();
    private static readonly byte[] EndMarker = "AAVAEEND"u8.ToArray();

    /// <summary>Writes a checkpoint atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, CheckpointHeader header, AavaeModel model,
        TorchSharp.Modules.OptimizerHelper? optimizer, IEnumerable<Generator> generators) =>
        Save(path, header, model, optimizer, generators, average: null);

    /// <summary>As the public <c>Save</c>, with the trainer's weight average (null: none).</summary>
    internal static void Save(string path, CheckpointHeader header, AavaeModel model,
        TorchSharp.Modules.OptimizerHelper? optimizer, IEnumerable<Generator> generators, WeightAverage? average)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(header.ToJson());
            var states = generators.Select(g =>
            {
                using var s = g.get_state();
                return s.data<byte>().ToArray();
            }).ToList();
            writer.Write(states.Count);
            foreach (var state in states)
            {
                writer.Write(state.Length);
                writer.Write(state);
            }
            model.save(writer);
            // Blocks, so that a weights-only load can skip them and still reach the end marker.
            WriteBlock(writer, optimizer is null ? null : optimizer.save_state_dict);
            // Only a trainer's checkpoint carries the average: a weights-only one stays readable by any version.
            if (average is not null) WriteBlock(writer, average.Save);
            writer.Write(EndMarker);
            writer.Flush();
        });
    }

    /// <summary>Reads only the header of a checkpoint.</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var reader = Open(path);
        return ReadHeader(reader, path);
    }

    /// <summary>Builds a model from a checkpoint's config and loads its weights (inference or fine-tuning).</summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="precision">How the model computes; null takes the run's setting, resolved for the CPU.</param>
    /// <param name="embeddingGrid">The embedding grid to read the model with (<see cref="AavaeConfig.EmbeddingGrid"/>:
    /// it has no weights, so any trained model can be read with any grid); null: the one it was trained with.</param>
    public static (AavaeModel Model, CheckpointHeader Header) LoadModel(string path, Precision? precision = null,
        int? embeddingGrid = null)
    {
        var header = ReadHeader(path);
        var config = embeddingGrid is { } grid ? header.Config with { EmbeddingGrid = grid } : header.Config;
        var model = new AavaeModel(config);
        try
        {
            var training = precision is { } p ? header.Training with { Precision = p } : header.Training;
            PrecisionSupport.Configure(model, training, CPU);
            Restore(path, model, optimizer: null, generators: []);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return (model, header);
    }

    /// <summary>
    /// Loads weights (and, when given, optimizer and generator states) into objects built for the checkpoint's config.
    /// The architecture is re-checked first, so a mismatch is reported by name rather than as a tensor-shape error.
    /// </summary>
    public static CheckpointHeader Restore(string path, AavaeModel model, TorchSharp.Modules.OptimizerHelper? optimizer,
        IReadOnlyList<Generator> generators) => Restore(path, model, optimizer, generators, average: null);

    /// <summary>As the public <c>Restore</c>, with the trainer's weight average to load (null: skipped).</summary>
    internal static CheckpointHeader Restore(string path, AavaeModel model,
        TorchSharp.Modules.OptimizerHelper? optimizer, IReadOnlyList<Generator> generators, WeightAverage? average)
    {
        using var reader = Open(path);
        var header = ReadHeader(reader, path);
        if (ArchitectureOf(header.Config) != ArchitectureOf(model.Config))
            throw new InvalidDataException(
                $"Checkpoint '{path}' holds a model with config {header.Config.ToJson()}, " +
                $"which does not match the model being restored ({model.Config.ToJson()}).");
        try
        {
            int count = reader.ReadInt32();
            var states = new List<byte[]>();
            for (int i = 0; i < count; i++) states.Add(reader.ReadBytes(reader.ReadInt32()));
            for (int i = 0; i < Math.Min(states.Count, generators.Count); i++)
            {
                using var state = tensor(states[i], dtype: ScalarType.Byte);
                generators[i].set_state(state);
            }
            model.load(reader);
            var optimizerState = ReadBlock(reader);
            // The weight average's block, where there is one, comes before the end marker.
            byte[] averageState = [];
            var end = reader.ReadBytes(EndMarker.Length);
            if (end.Length == EndMarker.Length && !end.AsSpan().SequenceEqual(EndMarker))
            {
                reader.BaseStream.Seek(-end.Length, SeekOrigin.Current);
                averageState = ReadBlock(reader);
                end = reader.ReadBytes(EndMarker.Length);
            }
            if (!end.AsSpan().SequenceEqual(EndMarker))
                throw new InvalidDataException(
                    $"Checkpoint '{path}' is truncated or corrupt: its end marker is missing.");
            if (optimizer is not null)
            {
                if (optimizerState.Length == 0)
                    throw new InvalidDataException(
                        $"Checkpoint '{path}' holds no optimizer state, so training cannot resume from it.");
                using var optimizerReader = new BinaryReader(new MemoryStream(optimizerState), Encoding.UTF8);
                optimizer.load_state_dict(optimizerReader);
            }
            if (average is not null)
            {
                if (averageState.Length == 0)
                    throw new InvalidDataException(
                        $"Checkpoint '{path}' holds no weight average, so training cannot resume from it.");
                using var averageReader = new BinaryReader(new MemoryStream(averageState), Encoding.UTF8);
                average.Load(averageReader, path);
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException(
                $"Checkpoint '{path}' is truncated: it ended at byte {reader.BaseStream.Position}.", e);
        }
        return header;
    }

    // A length-prefixed block, so that a reader that does not need it can skip it; null writes an empty one.
    private static void WriteBlock(BinaryWriter writer, Action<BinaryWriter>? write)
    {
        byte[] bytes = [];
        if (write is not null)
        {
            using var buffer = new MemoryStream();
            using (var bufferWriter = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) write(bufferWriter);
            bytes = buffer.ToArray();
        }
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBlock(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length < 0) throw new EndOfStreamException();
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }

    // The settings that decide tensor shapes; the objective (variant, beta) may change when fine-tuning.
    private static string ArchitectureOf(AavaeConfig config) =>
        $"{config.Channels}x{config.Height}x{config.Width}/{config.Depth}/{config.Stem}/" +
        $"{config.BaseWidth}/{config.ExpandFeatures}/{config.DecoderBlocks}/{config.LatentDim}/{config.LearnLogScale}";

    private static BinaryReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        return new BinaryReader(File.OpenRead(path), Encoding.UTF8);
    }

    private static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException(
                    $"'{path}' is not an AavaeMlNet checkpoint: expected the magic bytes 'AAVAECK1' at offset 0.");
            return CheckpointHeader.FromJson(reader.ReadString(), path);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is truncated inside its header.", e);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has an unreadable header: {e.Message}", e);
        }
    }
}
