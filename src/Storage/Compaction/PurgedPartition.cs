using RingStore.Core.Data;

namespace RingStore.Storage.Compaction;

/// <summary>A partition as compaction writes it back.</summary>
public sealed record PurgedPartition(
    byte[] Key,
    RingStore.Core.Partitioning.Token Token,
    DeletionTime PartitionDeletion,
    IReadOnlyList<RangeTombstone> RangeTombstones,
    IEnumerable<Row> Rows)
{
    public bool IsEmptyHeader => PartitionDeletion.IsLive && RangeTombstones.Count == 0;
}
