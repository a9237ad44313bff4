namespace RingStore.Storage.Engine;

/// <summary>Engine-wide statistics snapshot.</summary>
public sealed record StorageStats(IReadOnlyList<TableStats> Tables)
{
    /// <summary>Memtable bytes of all tables together (what the memtable budget limits).</summary>
    public long MemtableBytes { get; init; }

    /// <summary>Commit log not yet released, in bytes (what the commit-log cap limits).</summary>
    public long CommitLogBytes { get; init; }

    /// <summary>Commit-log entries applied to memtables by the replay at open.</summary>
    public long ReplayedEntries { get; init; }

    /// <summary>Commit-log entries the replay at open skipped because their table had already flushed them.</summary>
    public long ReplaySkippedFlushedEntries { get; init; }

    /// <summary>Compaction's current write rate from its backlog (bytes/s; 0 = unlimited), as last set by a running compaction.</summary>
    public double CompactionBytesPerSecond { get; init; }

    /// <summary>The node's chunk cache (null when it has none).</summary>
    public ChunkCacheStats? ChunkCache { get; init; }
}

/// <summary>The chunk cache's bound and contents now, and its lookups since the engine opened.</summary>
public sealed record ChunkCacheStats(long CapacityBytes, long SizeBytes, int Chunks, long Hits, long Misses, long Evictions);
