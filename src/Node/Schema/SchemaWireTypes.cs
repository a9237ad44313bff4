using MessagePack;

namespace RingStore.Node.Schema;

// The MessagePack shapes of a schema snapshot, on disk (schema.bin) and between nodes (SchemaPull/SchemaPush).
// Keys are append-only: a new field gets a new key so older readers skip it. Arrays are written in the
// snapshot's sorted order, so one schema always has one byte string (its version hashes those bytes).

[MessagePackObject]
internal sealed record SchemaDocumentWire(
    [property: Key(0)] int FormatVersion,
    [property: Key(1)] KeyspaceEntryWire[] Keyspaces,
    [property: Key(2)] TableEntryWire[] Tables);

[MessagePackObject]
internal sealed record KeyspaceEntryWire(
    [property: Key(0)] string Name,
    [property: Key(1)] long TimestampMicros,
    [property: Key(2)] long? LastDroppedMicros,
    [property: Key(3)] KeyspaceWire? Definition);

[MessagePackObject]
internal sealed record KeyspaceWire(
    [property: Key(0)] byte Strategy,
    [property: Key(1)] int ReplicationFactor,
    [property: Key(2)] DatacenterFactorWire[] Datacenters);

[MessagePackObject]
internal sealed record DatacenterFactorWire(
    [property: Key(0)] string Datacenter,
    [property: Key(1)] int ReplicationFactor);

[MessagePackObject]
internal sealed record TableEntryWire(
    [property: Key(0)] string Keyspace,
    [property: Key(1)] string Name,
    [property: Key(2)] long TimestampMicros,
    [property: Key(3)] TableWire? Table);

[MessagePackObject]
internal sealed record TableWire(
    [property: Key(0)] byte[] Id,
    [property: Key(1)] ColumnWire[] PartitionKey,
    [property: Key(2)] ClusteringColumnWire[] Clustering,
    [property: Key(3)] ColumnWire[] Regular,
    [property: Key(4)] TableOptionsWire Options);

[MessagePackObject]
internal sealed record ColumnWire(
    [property: Key(0)] string Name,
    [property: Key(1)] byte Type);

[MessagePackObject]
internal sealed record ClusteringColumnWire(
    [property: Key(0)] string Name,
    [property: Key(1)] byte Type,
    [property: Key(2)] byte Order);

[MessagePackObject]
internal sealed record TableOptionsWire(
    [property: Key(0)] byte Compaction,
    [property: Key(1)] long CompactionWindowTicks,
    [property: Key(2)] int CompactionMinThreshold,
    [property: Key(3)] int CompactionMaxThreshold,
    [property: Key(4)] int DefaultTimeToLiveSeconds,
    [property: Key(5)] int GcGraceSeconds,
    [property: Key(6)] double BloomFilterFpChance,
    // Added with compressed SSTables; a schema written before has none of these, which reads as the default (LZ4, 16 KiB).
    [property: Key(7)] byte CompressionAlgorithm = 0,
    [property: Key(8)] int CompressionChunkLengthKb = 0,
    [property: Key(9)] int CompressionZstdLevel = 0,
    // Added with local secondary indexes (CREATE INDEX); null or absent: none.
    [property: Key(10)] IndexWire[]? Indexes = null);

[MessagePackObject]
internal sealed record IndexWire(
    [property: Key(0)] string Name,
    [property: Key(1)] string Column,
    [property: Key(2)] byte[] Id);
