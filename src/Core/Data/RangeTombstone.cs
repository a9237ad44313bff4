namespace RingStore.Core.Data;

/// <summary>A deletion of every row whose clustering key falls in <see cref="Slice"/>.</summary>
public sealed record RangeTombstone(ClusteringSlice Slice, DeletionTime Deletion)
{
    public bool Covers(ReadOnlySpan<byte> clustering) => Slice.Contains(clustering);
}
