using System.Buffers.Binary;
using System.Numerics;

namespace RingStore.Node.Streaming;

/// <summary>
/// CRC-32C (Castagnoli), as Cassandra's streaming uses, for stream file chunks. System.IO.Hashing 10 has only
/// CRC-32 (IEEE), so this uses BitOperations.Crc32C (the SSE4.2 / ARMv8 instruction, software fallback built in).
/// </summary>
public static class Crc32C
{
    public static uint HashToUInt32(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
