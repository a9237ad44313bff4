using System.Buffers.Binary;
using System.Text;

namespace RingStore.Node.Native;

/// <summary>
/// Reads the protocol's notations ([int], [long], [short], [string], [long string], [bytes], [value], [string list],
/// [string map], [short bytes]) from one message body. Every length and count is checked against the bytes left
/// before anything is allocated, so a huge declared count is a protocol error, never a huge allocation.
/// </summary>
public ref struct NativeReader
{
    private readonly ReadOnlySpan<byte> _body;
    private int _position;

    public NativeReader(ReadOnlySpan<byte> body)
    {
        _body = body;
        _position = 0;
    }

    public readonly int Remaining => _body.Length - _position;

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUShort() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public string ReadString() => Utf8(Take(ReadUShort()));

    public string ReadLongString()
    {
        int length = ReadInt();
        if (length < 0) throw new NativeProtocolException($"Negative [long string] length {length}");
        return Utf8(Take(length));
    }

    public byte[] ReadShortBytes() => Take(ReadUShort()).ToArray();

    /// <summary>[bytes]: null for a negative length.</summary>
    public byte[]? ReadBytes()
    {
        int length = ReadInt();
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>[value]: bytes, null (-1) or "not set" (-2, v4).</summary>
    public NativeValue ReadValue()
    {
        int length = ReadInt();
        return length switch
        {
            -1 => NativeValue.Null,
            -2 => NativeValue.Unset,
            < 0 => throw new NativeProtocolException($"Invalid [value] length {length}"),
            _ => new NativeValue(Take(length).ToArray(), false),
        };
    }

    public IReadOnlyList<string> ReadStringList()
    {
        int count = ReadCount(2);
        var list = new List<string>(count);
        for (int i = 0; i < count; i++) list.Add(ReadString());
        return list;
    }

    public IReadOnlyDictionary<string, string> ReadStringMap()
    {
        int count = ReadCount(4);
        var map = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = ReadString();
            map[key] = ReadString();
        }
        return map;
    }

    /// <summary>A [short] count of items each at least <paramref name="minItemBytes"/> long, checked against the body.</summary>
    public int ReadCount(int minItemBytes)
    {
        int count = ReadUShort();
        if ((long)count * minItemBytes > Remaining) throw new NativeProtocolException($"Count {count} exceeds the message body");
        return count;
    }

    public readonly void EnsureEnd()
    {
        if (Remaining != 0) throw new NativeProtocolException($"{Remaining} unexpected bytes after the message");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining) throw new NativeProtocolException($"Message truncated: needed {count} bytes, {Remaining} left");
        var slice = _body.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new NativeProtocolException("Invalid UTF-8 in a [string]");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
}
