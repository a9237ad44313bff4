using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Core.Reads;

/// <summary>
/// A partition as all sources together say it is: the strongest partition deletion, every range
/// tombstone, and rows merged with the merge rule and with shadowed cells removed. Tombstones are
/// kept (replicas and compaction need them); <see cref="LiveRows"/> hides them for clients.
/// Rows are lazy so a LIMIT stops reading SSTable blocks early.
/// </summary>
public sealed record MergedPartition(
    byte[] Key,
    Token Token,
    DeletionTime PartitionDeletion,
    IReadOnlyList<RangeTombstone> RangeTombstones,
    IEnumerable<Row> Rows);
