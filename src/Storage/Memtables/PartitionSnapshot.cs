using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Storage.Memtables;

/// <summary>What one source (memtable or SSTable) holds for a partition, rows in the order asked for.</summary>
public sealed record PartitionSnapshot(
    byte[] Key,
    Token Token,
    DeletionTime PartitionDeletion,
    IReadOnlyList<RangeTombstone> RangeTombstones,
    IEnumerable<Row> Rows);

/// <summary>A memtable partition for flushing: rows in clustering order, each as <see cref="Core.Serialization.DataSerializer.WriteRow"/> encoded it.</summary>
public sealed record EncodedPartitionSnapshot(
    byte[] Key,
    Token Token,
    DeletionTime PartitionDeletion,
    IReadOnlyList<RangeTombstone> RangeTombstones,
    IReadOnlyList<ReadOnlyMemory<byte>> Rows);
