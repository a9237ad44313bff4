namespace RingStore.Storage.Engine;

/// <summary>One table's statistics.</summary>
public sealed record TableStats(
    string Table,
    long MemtableBytes,
    int FlushingMemtables,
    int SSTableCount,
    long DiskBytes,
    long SSTablePartitions,
    int PendingCompactions,
    long Reads,
    long Writes,
    long Flushes,
    long Compactions,
    LatencySummary ReadLatency,
    LatencySummary WriteLatency,
    long TombstonesScanned = 0)
{
    /// <summary>Partitions compaction wrote above the large-partition warning threshold (each one was logged).</summary>
    public long LargePartitionsCompacted { get; init; }

    /// <summary>Fully expired SSTables dropped without a compaction rewrite.</summary>
    public long ExpiredSSTablesDropped { get; init; }

    /// <summary>Bytes compaction still has to write for this table (<see cref="Compaction.CompactionBacklog"/>): what drives its rate.</summary>
    public long CompactionBacklogBytes { get; init; }
}
