using System.Buffers.Binary;
using System.Text;

namespace RingStore.Core.Serialization;

/// <summary>Reads what <see cref="BinaryWriterBuffer"/> wrote; throws <see cref="FormatException"/> on truncation.</summary>
public ref struct BinaryReaderSpan
{
    private readonly ReadOnlySpan<byte> _data;

    public BinaryReaderSpan(ReadOnlySpan<byte> data) { _data = data; Position = 0; }

    public int Position { get; set; }
    public readonly int Remaining => _data.Length - Position;
    public readonly bool AtEnd => Position >= _data.Length;

    /// <summary>What is left to read (for a nested reader; advance <see cref="Position"/> by what it consumed).</summary>
    public readonly ReadOnlySpan<byte> Rest => _data[Position..];

    public byte ReadByte() { Need(1); return _data[Position++]; }

    public ReadOnlySpan<byte> ReadSpan(int n) { Need(n); var s = _data.Slice(Position, n); Position += n; return s; }

    public ulong ReadVarUInt()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new FormatException("Malformed varint.");
    }

    public long ReadVarInt() { ulong v = ReadVarUInt(); return (long)(v >> 1) ^ -(long)(v & 1); }

    public long ReadInt64() { var v = BinaryPrimitives.ReadInt64LittleEndian(ReadSpan(8)); return v; }
    public int ReadInt32() { var v = BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4)); return v; }
    public uint ReadUInt32() { var v = BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4)); return v; }

    public byte[] ReadBlob()
    {
        ulong n = ReadVarUInt();
        if (n > (ulong)Remaining) throw new FormatException($"Blob of {n} bytes runs past the end ({Remaining} left).");
        return ReadSpan((int)n).ToArray();
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBlob());

    private readonly void Need(int n)
    {
        if (n < 0 || Position + n > _data.Length)
            throw new FormatException($"Unexpected end of data at offset {Position} (needed {n} more bytes).");
    }
}
