using RingStore.Core.Partitioning;
using RingStore.Core.Serialization;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Metadata of one SSTable, read at open and kept in memory so reads and compaction can skip
/// tables without touching their data. Timestamps in microseconds, local deletion times in seconds.
/// </summary>
public sealed record SSTableStatistics
{
    /// <summary>Smallest write/deletion timestamp of any cell, row marker or tombstone (long.MaxValue if none).</summary>
    public long MinTimestampMicros { get; init; } = long.MaxValue;

    public long MaxTimestampMicros { get; init; } = long.MinValue;

    /// <summary>
    /// Smallest and largest clustering key of any ROW (empty when there are no rows). Range
    /// tombstone bounds are not included: a caller that skips a table by clustering range must
    /// also check <see cref="RangeTombstoneCount"/> and <see cref="PartitionDeletionCount"/>.
    /// </summary>
    public byte[] MinClustering { get; init; } = [];

    public byte[] MaxClustering { get; init; } = [];

    public Token MinToken { get; init; } = Token.Maximum;

    public Token MaxToken { get; init; } = Token.Minimum;

    /// <summary>First and last partition keys in (token, key) order; empty when the table is empty.</summary>
    public byte[] FirstKey { get; init; } = [];

    public byte[] LastKey { get; init; } = [];

    public long PartitionCount { get; init; }

    public long RowCount { get; init; }

    public long CellCount { get; init; }

    /// <summary>Cell tombstones + row deletions + range tombstones + partition deletions.</summary>
    public long TombstoneCount { get; init; }

    public long RangeTombstoneCount { get; init; }

    public long PartitionDeletionCount { get; init; }

    /// <summary>
    /// The latest second at which anything in the table expires or was deleted; int.MaxValue when
    /// some data never expires. A table whose value is below now - gc_grace holds only purgeable data.
    /// </summary>
    public int MaxLocalDeletionTimeSeconds { get; init; } = int.MinValue;

    /// <summary>The earliest local deletion/expiry second among tombstones and TTL'd data (int.MaxValue if none).</summary>
    public int MinLocalDeletionTimeSeconds { get; init; } = int.MaxValue;

    /// <summary>Payload bytes of the Data component (checksums and header excluded).</summary>
    public long DataSizeBytes { get; init; }

    /// <summary>Largest single partition's payload bytes.</summary>
    public long MaxPartitionSizeBytes { get; init; }

    /// <summary>
    /// Local deletion times of tombstones and expiring data (for tombstone compactions). Appended after the fields
    /// above; a file written before it has none and reads as <see cref="DeletionTimeHistogram.Empty"/> (never picked).
    /// </summary>
    public DeletionTimeHistogram DeletionTimes { get; init; } = DeletionTimeHistogram.Empty;

    internal byte[] Serialize()
    {
        var w = new BinaryWriterBuffer(256);
        w.WriteInt64(MinTimestampMicros);
        w.WriteInt64(MaxTimestampMicros);
        w.WriteBlob(MinClustering);
        w.WriteBlob(MaxClustering);
        w.WriteInt64(MinToken.Value);
        w.WriteInt64(MaxToken.Value);
        w.WriteBlob(FirstKey);
        w.WriteBlob(LastKey);
        w.WriteVarUInt((ulong)PartitionCount);
        w.WriteVarUInt((ulong)RowCount);
        w.WriteVarUInt((ulong)CellCount);
        w.WriteVarUInt((ulong)TombstoneCount);
        w.WriteVarUInt((ulong)RangeTombstoneCount);
        w.WriteVarUInt((ulong)PartitionDeletionCount);
        w.WriteInt32(MaxLocalDeletionTimeSeconds);
        w.WriteInt32(MinLocalDeletionTimeSeconds);
        w.WriteVarUInt((ulong)DataSizeBytes);
        w.WriteVarUInt((ulong)MaxPartitionSizeBytes);
        DeletionTimes.Serialize(w);
        return w.ToArray();
    }

    internal static SSTableStatistics Deserialize(ReadOnlySpan<byte> body, string path)
    {
        try
        {
            var r = new BinaryReaderSpan(body);
            var stats = new SSTableStatistics
            {
                MinTimestampMicros = r.ReadInt64(),
                MaxTimestampMicros = r.ReadInt64(),
                MinClustering = r.ReadBlob(),
                MaxClustering = r.ReadBlob(),
                MinToken = new Token(r.ReadInt64()),
                MaxToken = new Token(r.ReadInt64()),
                FirstKey = r.ReadBlob(),
                LastKey = r.ReadBlob(),
                PartitionCount = (long)r.ReadVarUInt(),
                RowCount = (long)r.ReadVarUInt(),
                CellCount = (long)r.ReadVarUInt(),
                TombstoneCount = (long)r.ReadVarUInt(),
                RangeTombstoneCount = (long)r.ReadVarUInt(),
                PartitionDeletionCount = (long)r.ReadVarUInt(),
                MaxLocalDeletionTimeSeconds = r.ReadInt32(),
                MinLocalDeletionTimeSeconds = r.ReadInt32(),
                DataSizeBytes = (long)r.ReadVarUInt(),
                MaxPartitionSizeBytes = (long)r.ReadVarUInt(),
            };
            return r.AtEnd ? stats : stats with { DeletionTimes = DeletionTimeHistogram.Deserialize(ref r) };
        }
        catch (FormatException e)
        {
            throw new CorruptSSTableException(path, FileHeader.SizeBytes, "malformed statistics", e);
        }
    }
}
