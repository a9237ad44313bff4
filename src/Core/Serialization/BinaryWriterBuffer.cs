using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RingStore.Core.Serialization;

/// <summary>A growable byte buffer with varint helpers, for the compact on-disk/row formats.</summary>
public sealed class BinaryWriterBuffer
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public BinaryWriterBuffer(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public int Length => _buffer.WrittenCount;

    /// <summary>Bytes the buffer holds before it must grow (lets callers that reuse buffers drop oversized ones).</summary>
    public int Capacity => _buffer.Capacity;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    public void Clear() => _buffer.ResetWrittenCount();

    public void WriteByte(byte b) { _buffer.GetSpan(1)[0] = b; _buffer.Advance(1); }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>Unsigned LEB128.</summary>
    public void WriteVarUInt(ulong v)
    {
        var span = _buffer.GetSpan(10);
        int n = 0;
        while (v >= 0x80) { span[n++] = (byte)(v | 0x80); v >>= 7; }
        span[n++] = (byte)v;
        _buffer.Advance(n);
    }

    /// <summary>ZigZag-encoded signed varint.</summary>
    public void WriteVarInt(long v) => WriteVarUInt((ulong)((v << 1) ^ (v >> 63)));

    public void WriteInt64(long v) { BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), v); _buffer.Advance(8); }
    public void WriteInt32(int v) { BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), v); _buffer.Advance(4); }
    public void WriteUInt32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), v); _buffer.Advance(4); }

    /// <summary>Length-prefixed bytes.</summary>
    public void WriteBlob(ReadOnlySpan<byte> bytes) { WriteVarUInt((ulong)bytes.Length); WriteBytes(bytes); }

    /// <summary>Length-prefixed UTF-8, encoded straight into the buffer (every mutation writes its table name: no array per call).</summary>
    public void WriteString(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        int length = Encoding.UTF8.GetByteCount(s);
        WriteVarUInt((ulong)length);
        int written = Encoding.UTF8.GetBytes(s, _buffer.GetSpan(length));
        _buffer.Advance(written);
    }
}
