using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Storage.SSTables;

/// <summary>
/// One partition read from an SSTable. The header (key, partition deletion, every range tombstone
/// regardless of the slice) is read eagerly; <see cref="Rows"/> is lazy and reads Data blocks only
/// as it is enumerated, so the reader must stay referenced until enumeration ends. Each
/// enumeration of <see cref="Rows"/> reads afresh and may run on any thread.
/// </summary>
public sealed class SSTablePartition
{
    public SSTablePartition(byte[] key, Token token, DeletionTime partitionDeletion,
        IReadOnlyList<RangeTombstone> rangeTombstones, IEnumerable<Row> rows)
    {
        Key = key;
        Token = token;
        PartitionDeletion = partitionDeletion;
        RangeTombstones = rangeTombstones;
        Rows = rows;
    }

    public byte[] Key { get; }

    public Token Token { get; }

    public DeletionTime PartitionDeletion { get; }

    /// <summary>All range tombstones of the partition; the caller applies them.</summary>
    public IReadOnlyList<RangeTombstone> RangeTombstones { get; }

    /// <summary>Rows in the requested slice, in clustering order (or reversed when asked).</summary>
    public IEnumerable<Row> Rows { get; }
}
