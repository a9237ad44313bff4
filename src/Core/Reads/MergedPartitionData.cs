using RingStore.Core.Data;

namespace RingStore.Core.Reads;

/// <summary>A partition as a token-range read returns it: tombstones included, rows materialized.</summary>
public sealed record MergedPartitionData(
    byte[] Key,
    RingStore.Core.Partitioning.Token Token,
    DeletionTime PartitionDeletion,
    IReadOnlyList<RangeTombstone> RangeTombstones,
    IReadOnlyList<Row> Rows);
