using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace RingStore.Node.Native;

/// <summary>
/// Writes the protocol's notations into a growing buffer. A frame is built whole (header space first, filled in by
/// <see cref="NativeFrame"/> once the body length is known), so a response leaves in one write.
/// </summary>
public sealed class NativeWriter
{
    private byte[] _buffer;
    private int _length;

    public NativeWriter(int initialCapacity = 256) => _buffer = new byte[Math.Max(16, initialCapacity)];

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void WriteByte(byte value) => Span(1)[0] = value;

    public void WriteShort(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Span(2), value);

    public void WriteInt(int value) => BinaryPrimitives.WriteInt32BigEndian(Span(4), value);

    public void WriteLong(long value) => BinaryPrimitives.WriteInt64BigEndian(Span(8), value);

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Span(bytes.Length));

    public void WriteString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > ushort.MaxValue) throw new InvalidOperationException("A [string] is limited to 65535 bytes.");
        WriteShort((ushort)length);
        Encoding.UTF8.GetBytes(value, Span(length));
    }

    public void WriteLongString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteInt(length);
        Encoding.UTF8.GetBytes(value, Span(length));
    }

    public void WriteShortBytes(ReadOnlySpan<byte> bytes)
    {
        WriteShort((ushort)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>[bytes]; null is length -1.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes, bool isNull = false)
    {
        if (isNull)
        {
            WriteInt(-1);
            return;
        }
        WriteInt(bytes.Length);
        WriteRaw(bytes);
    }

    public void WriteStringList(IReadOnlyCollection<string> values)
    {
        WriteShort((ushort)values.Count);
        foreach (string v in values) WriteString(v);
    }

    public void WriteStringMultimap(IReadOnlyDictionary<string, IReadOnlyList<string>> map)
    {
        WriteShort((ushort)map.Count);
        foreach (var (key, values) in map)
        {
            WriteString(key);
            WriteStringList(values);
        }
    }

    /// <summary>[inet]: address length, address bytes, port.</summary>
    public void WriteInet(IPAddress address, int port)
    {
        byte[] bytes = address.GetAddressBytes();
        WriteByte((byte)bytes.Length);
        WriteRaw(bytes);
        WriteInt(port);
    }

    /// <summary>Reserves <paramref name="count"/> bytes to be filled in later (a length written after its content).</summary>
    public int Reserve(int count)
    {
        int at = _length;
        Span(count).Clear();
        return at;
    }

    public void PatchInt(int at, int value) => BinaryPrimitives.WriteInt32BigEndian(Patchable(at, 4), value);

    public Span<byte> Patchable(int at, int count) => _buffer.AsSpan(at, count);

    public byte[] ToArray() => Written.ToArray();

    private Span<byte> Span(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
