using RingStore.Storage.CommitLog;

namespace RingStore.Storage.Engine;

/// <summary>Settings of one node's storage engine. Sizes in bytes unless the name says otherwise.</summary>
public sealed record StorageEngineOptions
{
    public required string DataDirectory { get; init; }

    public CommitLogSyncMode CommitLogSync { get; init; } = CommitLogSyncMode.Periodic;
    public TimeSpan CommitLogPeriodicSyncInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan CommitLogGroupWindow { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>The operator's explicit choice to skip corrupt commit-log entries in the middle of the log at startup.</summary>
    public bool SkipCorruptCommitLogEntries { get; init; }

    /// <summary>A table's active memtable is switched and flushed once it holds about this much.</summary>
    public long MemtableFlushThresholdBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Writers wait when this many switched memtables of one table are still being flushed, so a
    /// write burst cannot outrun the disk and exhaust memory.
    /// </summary>
    public int MaxFlushingMemtablesPerTable { get; init; } = 3;

    /// <summary>Largest accepted cell value (16 MiB by default).</summary>
    public long MaxValueSizeBytes { get; init; } = 16L << 20;

    /// <summary>Compaction write throughput cap in MiB/s; 0 disables the cap.</summary>
    public double CompactionThroughputMiBPerSecond { get; init; }

    /// <summary>Whether flush and compaction run by themselves in the background (tests may turn this off).</summary>
    public bool BackgroundCompaction { get; init; } = true;

    public int SSTableBlockSizeBytes { get; init; } = 64 * 1024;
}
