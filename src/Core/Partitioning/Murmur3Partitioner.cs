namespace RingStore.Core.Partitioning;

/// <summary>
/// Maps serialized partition-key bytes to a ring token exactly as Cassandra's Murmur3Partitioner:
/// h1 of Murmur3 x64_128, with long.MinValue (reserved as the ring minimum) mapped to long.MaxValue.
/// </summary>
public static class Murmur3Partitioner
{
    public static Token GetToken(ReadOnlySpan<byte> partitionKey)
    {
        long h = Murmur3Hash.Hash64(partitionKey);
        return new Token(h == long.MinValue ? long.MaxValue : h);
    }
}
