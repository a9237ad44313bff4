using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Storage.Memtables;

/// <summary>A memtable partition for flushing: rows in clustering order, each as <see cref="Core.Serialization.DataSerializer.WriteRow"/> encoded it.</summary>
public sealed record EncodedPartitionSnapshot(
    byte[] Key,
    Token Token,
    DeletionTime PartitionDeletion,
    IReadOnlyList<RangeTombstone> RangeTombstones,
    IReadOnlyList<ReadOnlyMemory<byte>> Rows);
