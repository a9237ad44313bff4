using System.Buffers.Binary;
using System.Numerics;

namespace RingStore.Core.Partitioning;

/// <summary>
/// Cassandra's MurmurHash3 x64_128 (seed 0), reproducing its one deviation from the reference
/// algorithm: tail bytes are read as <em>signed</em> Java bytes and sign-extended before shifting.
/// Keys with a tail byte >= 0x80 therefore hash differently from the reference implementation,
/// and we must match Cassandra, not the reference, so that tokens are interchangeable.
/// Lives in Core (not Gossip) because the storage engine orders partitions by token too.
/// </summary>
public static class Murmur3Hash
{
    private const ulong C1 = 0x87c37b91114253d5UL;
    private const ulong C2 = 0x4cf5ad432745937fUL;

    /// <summary>Returns the first 64 bits (h1) of Cassandra's hash3_x64_128 with seed 0.</summary>
    public static long Hash64(ReadOnlySpan<byte> key)
    {
        ulong h1 = 0, h2 = 0;
        int blocks = key.Length / 16;
        for (int i = 0; i < blocks; i++)
        {
            ulong k1 = BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i * 16, 8));
            ulong k2 = BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i * 16 + 8, 8));

            k1 *= C1; k1 = BitOperations.RotateLeft(k1, 31); k1 *= C2; h1 ^= k1;
            h1 = BitOperations.RotateLeft(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;

            k2 *= C2; k2 = BitOperations.RotateLeft(k2, 33); k2 *= C1; h2 ^= k2;
            h2 = BitOperations.RotateLeft(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
        }

        ReadOnlySpan<byte> tail = key.Slice(blocks * 16);
        ulong t1 = 0, t2 = 0;
        // Sign extension, as Java's (long) key.get(i) does.
        static ulong S(byte b) => unchecked((ulong)(long)(sbyte)b);
        switch (tail.Length)
        {
            case 15: t2 ^= S(tail[14]) << 48; goto case 14;
            case 14: t2 ^= S(tail[13]) << 40; goto case 13;
            case 13: t2 ^= S(tail[12]) << 32; goto case 12;
            case 12: t2 ^= S(tail[11]) << 24; goto case 11;
            case 11: t2 ^= S(tail[10]) << 16; goto case 10;
            case 10: t2 ^= S(tail[9]) << 8; goto case 9;
            case 9:
                t2 ^= S(tail[8]);
                t2 *= C2; t2 = BitOperations.RotateLeft(t2, 33); t2 *= C1; h2 ^= t2;
                goto case 8;
            case 8: t1 ^= S(tail[7]) << 56; goto case 7;
            case 7: t1 ^= S(tail[6]) << 48; goto case 6;
            case 6: t1 ^= S(tail[5]) << 40; goto case 5;
            case 5: t1 ^= S(tail[4]) << 32; goto case 4;
            case 4: t1 ^= S(tail[3]) << 24; goto case 3;
            case 3: t1 ^= S(tail[2]) << 16; goto case 2;
            case 2: t1 ^= S(tail[1]) << 8; goto case 1;
            case 1:
                t1 ^= S(tail[0]);
                t1 *= C1; t1 = BitOperations.RotateLeft(t1, 31); t1 *= C2; h1 ^= t1;
                break;
        }

        h1 ^= (ulong)key.Length; h2 ^= (ulong)key.Length;
        h1 += h2; h2 += h1;
        h1 = FinalMix(h1); h2 = FinalMix(h2);
        h1 += h2;
        return unchecked((long)h1);
    }

    private static ulong FinalMix(ulong k)
    {
        k ^= k >> 33; k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return k;
    }
}
