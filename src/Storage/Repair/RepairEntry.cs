namespace RingStore.Storage.Repair;

/// <summary>
/// One hashed unit of a replica's data in a repair: a partition's header (its partition deletion and range
/// tombstones, <see cref="IsHeader"/>) or one row. Entries sort by (token, partition key, header first, clustering),
/// which is the order a token-range scan yields them, so two replicas list the same entries in the same order.
/// <see cref="Digest"/> covers the entry's identity and its content (see <see cref="RowDigester"/>).
/// </summary>
public sealed record RepairEntry(long Token, byte[] PartitionKey, bool IsHeader, byte[] Clustering, UInt128 Digest)
{
    /// <summary>Identity only (no content): two replicas' versions of the same row have equal keys.</summary>
    public RepairEntryKey Key => new(Token, PartitionKey, IsHeader, Clustering);
}

/// <summary>The identity of a <see cref="RepairEntry"/>; ordered as a token-range scan yields entries.</summary>
public readonly record struct RepairEntryKey(long Token, byte[] PartitionKey, bool IsHeader, byte[] Clustering)
    : IComparable<RepairEntryKey>
{
    public int CompareTo(RepairEntryKey other)
    {
        int c = Token.CompareTo(other.Token);
        if (c != 0) return c;
        c = PartitionKey.AsSpan().SequenceCompareTo(other.PartitionKey);
        if (c != 0) return c;
        if (IsHeader != other.IsHeader) return IsHeader ? -1 : 1;
        return Clustering.AsSpan().SequenceCompareTo(other.Clustering);
    }

    public bool Equals(RepairEntryKey other) => CompareTo(other) == 0;

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Token);
        h.AddBytes(PartitionKey);
        h.Add(IsHeader);
        h.AddBytes(Clustering);
        return h.ToHashCode();
    }
}
