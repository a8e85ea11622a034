using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace AavaeMlNet.PyTorch;

/// <summary>A module-qualified Python name met in a pickle (GLOBAL, STACK_GLOBAL), e.g. collections.OrderedDict.
/// </summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>
/// What a pickle may build: the allow-list of <see cref="RestrictedUnpickler"/>. Nothing is ever looked up or run
/// by name; a call of a global is answered by <see cref="Call"/> or refused.
/// </summary>
public interface IPickleRules
{
    /// <summary>Whether the pickle may mention <paramref name="global"/> at all; false refuses the file.</summary>
    bool Allows(PickleGlobal global);

    /// <summary>
    /// The value of calling <paramref name="callable"/> (REDUCE or NEWOBJ); throws for anything not allowed.
    /// </summary>
    object? Call(PickleGlobal callable, object?[] arguments);

    /// <summary>The object a persistent id stands for (torch.save: a tensor storage).</summary>
    object? PersistentLoad(object? id);
}

/// <summary>
/// A pickle reader for the subset torch.save writes (protocols 2 to 5): primitive values, strings, bytes, tuples
/// (object?[]), lists (List&lt;object?&gt;), dicts (OrderedDictionary&lt;object, object?&gt;), persistent ids, and
/// calls of allow-listed globals through <see cref="IPickleRules"/>. Unlike Python's pickle it never imports a
/// module or runs code: any other global, and any opcode outside the subset, stops the read with an error that
/// names it.
/// </summary>
public sealed class RestrictedUnpickler
{
    private static readonly object Mark = new();

    private readonly BinaryReader reader;
    private readonly IPickleRules rules;
    private readonly string source;
    private readonly Stack<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];

    /// <param name="stream">The pickle bytes.</param>
    /// <param name="rules">The allow-list.</param>
    /// <param name="source">Named in errors (e.g. the checkpoint file).</param>
    public RestrictedUnpickler(Stream stream, IPickleRules rules, string source)
    {
        reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        this.rules = rules;
        this.source = source;
    }

    /// <summary>Reads one pickled value.</summary>
    public object? Load()
    {
        while (true)
        {
            int opcode = reader.BaseStream.ReadByte();
            if (opcode < 0) throw Corrupt("the pickle ends before its STOP opcode");
            if (opcode == '.') return Pop();
            Step((byte)opcode);
        }
    }

    private void Step(byte opcode)
    {
        switch (opcode)
        {
            case 0x80: // PROTO
                reader.ReadByte();
                break;
            case 0x95: // FRAME: a length hint only
                reader.ReadInt64();
                break;
            case (byte)'(':
                marks.Push(stack.Count);
                stack.Push(Mark);
                break;
            case (byte)'0':
                Pop();
                break;
            case (byte)'1':
                PopMark();
                break;
            case (byte)'2':
                stack.Push(stack.Peek());
                break;
            case (byte)'N':
                stack.Push(null);
                break;
            case 0x88:
                stack.Push(true);
                break;
            case 0x89:
                stack.Push(false);
                break;
            case (byte)'J':
                stack.Push((long)reader.ReadInt32());
                break;
            case (byte)'K':
                stack.Push((long)reader.ReadByte());
                break;
            case (byte)'M':
                stack.Push((long)reader.ReadUInt16());
                break;
            case 0x8a:
                stack.Push(ReadLong(reader.ReadByte()));
                break;
            case 0x8b:
                stack.Push(ReadLong(reader.ReadInt32()));
                break;
            case (byte)'G':
                stack.Push(BinaryPrimitives.ReadDoubleBigEndian(reader.ReadBytes(8)));
                break;
            case (byte)'X':
                stack.Push(ReadUtf8(reader.ReadUInt32()));
                break;
            case 0x8c:
                stack.Push(ReadUtf8(reader.ReadByte()));
                break;
            case 0x8d:
                stack.Push(ReadUtf8(checked((long)reader.ReadUInt64())));
                break;
            case (byte)'U':
                stack.Push(Encoding.Latin1.GetString(ReadBytes(reader.ReadByte())));
                break;
            case (byte)'T':
                stack.Push(Encoding.Latin1.GetString(ReadBytes(reader.ReadInt32())));
                break;
            case (byte)'C':
                stack.Push(ReadBytes(reader.ReadByte()));
                break;
            case (byte)'B':
                stack.Push(ReadBytes(reader.ReadUInt32()));
                break;
            case (byte)')':
                stack.Push(Array.Empty<object?>());
                break;
            case (byte)'t':
                stack.Push(PopMark().ToArray());
                break;
            case 0x85:
                stack.Push(new[] { Pop() });
                break;
            case 0x86:
                PushTuple(2);
                break;
            case 0x87:
                PushTuple(3);
                break;
            case (byte)']':
                stack.Push(new List<object?>());
                break;
            case (byte)'l':
                stack.Push(PopMark());
                break;
            case (byte)'a':
                Append([Pop()]);
                break;
            case (byte)'e':
                Append(PopMark());
                break;
            case (byte)'}':
                stack.Push(new OrderedDictionary<object, object?>());
                break;
            case (byte)'d':
                stack.Push(SetItems(new OrderedDictionary<object, object?>(), PopMark()));
                break;
            case (byte)'s':
                SetItem();
                break;
            case (byte)'u':
                PeekAfter(PopMark());
                break;
            case (byte)'q':
                memo[reader.ReadByte()] = stack.Peek();
                break;
            case (byte)'r':
                memo[reader.ReadUInt32()] = stack.Peek();
                break;
            case 0x94:
                memo[memo.Count] = stack.Peek();
                break;
            case (byte)'h':
                stack.Push(Memo(reader.ReadByte()));
                break;
            case (byte)'j':
                stack.Push(Memo(reader.ReadUInt32()));
                break;
            case (byte)'c':
                stack.Push(Global(ReadLine(), ReadLine()));
                break;
            case 0x93:
                StackGlobal();
                break;
            case (byte)'R':
                Reduce();
                break;
            case 0x81: // NEWOBJ: cls, args -> the same allow-listed call
                Reduce();
                break;
            case (byte)'b':
                Build();
                break;
            case (byte)'Q':
                stack.Push(rules.PersistentLoad(Pop()));
                break;
            default:
                throw new InvalidDataException(
                    $"'{source}': pickle opcode 0x{opcode:x2} ('{(char)opcode}') " +
                    $"at byte {reader.BaseStream.Position - 1}" +
                    " is outside the subset torch.save writes; the file is refused.");
        }
    }

    private object Global(string module, string name)
    {
        var global = new PickleGlobal(module, name);
        if (!rules.Allows(global))
            throw new InvalidDataException(
                $"'{source}' refers to the Python class or function '{global}', which is not allowed: " +
                "checkpoints may hold only tensors, containers and primitive values. The file is refused " +
                "and nothing in it was run.");
        return global;
    }

    private void StackGlobal()
    {
        var name = Pop() as string;
        var module = Pop() as string;
        if (module is null || name is null) throw Corrupt("STACK_GLOBAL needs two strings");
        stack.Push(Global(module, name));
    }

    private void Reduce()
    {
        var arguments = Pop() as object?[] ?? throw Corrupt("a call's arguments are not a tuple");
        var callable = Pop() as PickleGlobal ?? throw Corrupt("a call's target is not a global");
        stack.Push(rules.Call(callable, arguments));
    }

    // BUILD sets an object's state. Only containers reach it here (OrderedDict's _metadata): the state is dropped.
    private void Build()
    {
        Pop();
        if (stack.Peek() is PickleGlobal or null)
            throw Corrupt("BUILD on a value that is not an object");
    }

    private void PushTuple(int count)
    {
        var items = new object?[count];
        for (int i = count - 1; i >= 0; i--) items[i] = Pop();
        stack.Push(items);
    }

    private void Append(List<object?> items)
    {
        if (stack.Peek() is not List<object?> list) throw Corrupt("APPEND to a value that is not a list");
        list.AddRange(items);
    }

    private void SetItem()
    {
        var value = Pop();
        var key = Pop();
        SetItems(stack.Peek() as OrderedDictionary<object, object?>, [key, value]);
    }

    private OrderedDictionary<object, object?> PeekAfter(List<object?> items)
    {
        var dict = stack.Peek() as OrderedDictionary<object, object?>
            ?? throw Corrupt("SETITEMS on a value that is not a dict");
        return SetItems(dict, items);
    }

    private OrderedDictionary<object, object?> SetItems(OrderedDictionary<object, object?>? dict, List<object?>? items)
    {
        if (dict is null) throw Corrupt("SETITEM on a value that is not a dict");
        if (items is null) return dict;
        if (items.Count % 2 != 0) throw Corrupt("a dict has a key without a value");
        for (int i = 0; i < items.Count; i += 2)
            dict[items[i] ?? throw Corrupt("a dict key is None")] = items[i + 1];
        return dict;
    }

    private object? Pop()
    {
        bool onlyMark = marks.Count > 0 && marks.Peek() + 1 == stack.Count;
        if (stack.Count == 0 || onlyMark) throw Corrupt("the stack runs empty");
        return stack.Pop();
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0) throw Corrupt("no MARK to pop to");
        int start = marks.Pop();
        var items = new List<object?>(stack.Count - start - 1);
        while (stack.Count > start + 1) items.Add(stack.Pop());
        stack.Pop();
        items.Reverse();
        return items;
    }

    private object? Memo(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw Corrupt($"memo entry {index} is not defined");

    private static object ReadLong(byte[] littleEndian)
    {
        var value = new BigInteger(littleEndian, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private object ReadLong(int length) => ReadLong(ReadBytes(length));

    private string ReadUtf8(long length) => Encoding.UTF8.GetString(ReadBytes(length));

    private byte[] ReadBytes(long length)
    {
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
            throw Corrupt($"a {length}-byte value runs past the end");
        return reader.ReadBytes((int)length);
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        int b;
        while ((b = reader.BaseStream.ReadByte()) != '\n')
        {
            if (b < 0 || bytes.Count > 256) throw Corrupt("a GLOBAL name is not terminated");
            bytes.Add((byte)b);
        }
        return Encoding.ASCII.GetString([.. bytes]);
    }

    private InvalidDataException Corrupt(string what) =>
        new($"'{source}' is not a valid torch.save pickle: {what} (byte {reader.BaseStream.Position}).");
}
