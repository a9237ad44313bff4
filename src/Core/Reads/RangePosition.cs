using RingStore.Core.Partitioning;

namespace RingStore.Core.Reads;

/// <summary>
/// A point of a token-range scan that a page ends at and the next page starts after, in (token, partition key,
/// clustering) order. <see cref="Key"/> null: after every partition of <see cref="Token"/> (a plain exclusive token
/// start). <see cref="Key"/> set, <see cref="Clustering"/> null: after the whole partition (Token, Key).
/// Both set: after row <see cref="Clustering"/> of that partition, so a page may end inside a wide partition.
/// </summary>
public sealed record RangePosition(Token Token, byte[]? Key = null, byte[]? Clustering = null)
{
    public static RangePosition AfterToken(Token token) => new(token);

    /// <summary>Orders a partition (token, key) against this position's partition: negative when it comes before.</summary>
    public int ComparePartition(Token token, ReadOnlySpan<byte> key)
    {
        int c = token.CompareTo(Token);
        if (c != 0) return c;
        if (Key is null) return -1; // every partition of Token lies at or before "after Token"
        return key.SequenceCompareTo(Key);
    }

    public override string ToString() =>
        Key is null ? $"after token {Token.Value}" : $"after {Token.Value}/{Convert.ToHexString(Key)}{(Clustering is null ? "" : "/" + Convert.ToHexString(Clustering))}";
}
