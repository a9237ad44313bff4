using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Core.Reads;

/// <summary>What one source (memtable or SSTable) holds for a partition, rows in the order asked for.</summary>
public sealed record PartitionSnapshot(
    byte[] Key,
    Token Token,
    DeletionTime PartitionDeletion,
    IReadOnlyList<RangeTombstone> RangeTombstones,
    IEnumerable<Row> Rows);
