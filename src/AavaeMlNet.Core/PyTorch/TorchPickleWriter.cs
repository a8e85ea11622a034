using System.Text;
using static TorchSharp.torch;

namespace AavaeMlNet.PyTorch;

/// <summary>
/// Writes the pickle (protocol 2) of a state_dict as torch.save does: an OrderedDict whose values are
/// torch._utils._rebuild_tensor_v2 calls on persistent storage ids "0", "1", ... (one record each).
/// </summary>
internal static class TorchPickleWriter
{
    public static byte[] StateDict(IReadOnlyList<(string Name, Tensor Value)> stateDict)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8);
        writer.Write((byte)0x80);
        writer.Write((byte)2);
        Global(writer, "collections", "OrderedDict");
        writer.Write((byte)')');
        writer.Write((byte)'R');
        writer.Write((byte)'(');
        for (int i = 0; i < stateDict.Count; i++)
        {
            var (name, value) = stateDict[i];
            Unicode(writer, name);
            Tensor(writer, value, i);
        }
        writer.Write((byte)'u');
        writer.Write((byte)'.');
        writer.Flush();
        return buffer.ToArray();
    }

    private static void Tensor(BinaryWriter writer, Tensor value, int key)
    {
        string storage = value.dtype switch
        {
            ScalarType.Float32 => "FloatStorage",
            ScalarType.Int64 => "LongStorage",
            _ => throw new NotSupportedException($"Export of {value.dtype} tensors is not supported."),
        };
        Global(writer, "torch._utils", "_rebuild_tensor_v2");
        writer.Write((byte)'(');
        writer.Write((byte)'(');
        Unicode(writer, "storage");
        Global(writer, "torch", storage);
        Unicode(writer, key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Unicode(writer, "cpu");
        Int(writer, value.numel());
        writer.Write((byte)'t');
        writer.Write((byte)'Q');
        Int(writer, 0);
        Ints(writer, value.shape);
        Ints(writer, ContiguousStrides(value.shape));
        writer.Write((byte)0x89);
        Global(writer, "collections", "OrderedDict");
        writer.Write((byte)')');
        writer.Write((byte)'R');
        writer.Write((byte)'t');
        writer.Write((byte)'R');
    }

    private static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= shape[i];
        }
        return strides;
    }

    private static void Ints(BinaryWriter writer, long[] values)
    {
        writer.Write((byte)'(');
        foreach (long value in values) Int(writer, value);
        writer.Write((byte)'t');
    }

    private static void Int(BinaryWriter writer, long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            writer.Write((byte)'J');
            writer.Write((int)value);
            return;
        }
        writer.Write((byte)0x8a);
        writer.Write((byte)8);
        writer.Write(value);
    }

    private static void Unicode(BinaryWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((byte)'X');
        writer.Write((uint)bytes.Length);
        writer.Write(bytes);
    }

    private static void Global(BinaryWriter writer, string module, string name)
    {
        writer.Write((byte)'c');
        writer.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }
}
