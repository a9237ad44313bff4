using RingStore.Storage.CommitLog;
using RingStore.Storage.IO;

namespace RingStore.Storage.Engine;

/// <summary>Settings of one node's storage engine. Sizes in bytes unless the name says otherwise.</summary>
public sealed record StorageEngineOptions
{
    public required string DataDirectory { get; init; }

    public CommitLogSyncMode CommitLogSync { get; init; } = CommitLogSyncMode.Periodic;
    public TimeSpan CommitLogPeriodicSyncInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan CommitLogGroupWindow { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Commit-log segment size (a power of two, 64 KiB to 1 GiB; an entry must fit in a page of min(segment, 16 MiB)).</summary>
    public long CommitLogSegmentSizeBytes { get; init; } = 32L << 20;

    /// <summary>The operator's explicit choice to skip corrupt commit-log entries in the middle of the log at startup.</summary>
    public bool SkipCorruptCommitLogEntries { get; init; }

    /// <summary>A table's active memtable is switched and flushed once it holds about this much.</summary>
    public long MemtableFlushThresholdBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Staggers this node's flush triggers by up to this fraction (<see cref="FlushStagger"/>): the flush threshold by
    /// +-fraction, the memory cleanup mark and the commit-log size trigger by up to -fraction, the offset chosen by
    /// <see cref="FlushStaggerSeed"/>. 0 (the engine's default) = off; nodes use 0.1 with their host id, so replicas of
    /// the same data do not flush and compact it in the same second.
    /// </summary>
    public double FlushStaggerFraction { get; init; }

    /// <summary>Chooses this engine's offset for <see cref="FlushStaggerFraction"/> (the node's host id; any value, the same run every time).</summary>
    public long FlushStaggerSeed { get; init; }

    /// <summary>
    /// All memtables of all tables together (Cassandra's memtable_heap_space): once the active ones hold more than
    /// <see cref="MemtableCleanupFraction"/> of it the largest are switched and flushed; writers wait while all of them
    /// (flushing included) hold the whole of it. 256 MiB by default.
    /// </summary>
    public long MemtableSpaceBytes { get; init; } = 256L << 20;

    /// <summary>Share of <see cref="MemtableSpaceBytes"/> the active memtables may hold before the largest is flushed (memtable_cleanup_threshold).</summary>
    public double MemtableCleanupFraction { get; init; } = 0.5;

    /// <summary>
    /// Commit log not yet released, at most (commitlog_total_space): past it the tables whose unflushed data pins the
    /// oldest part of the log are flushed so it can be released. 1 GiB by default.
    /// </summary>
    public long CommitLogTotalSpaceBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Writers wait when this many switched memtables of one table are still being flushed, so a
    /// write burst cannot outrun the disk and exhaust memory.
    /// </summary>
    public int MaxFlushingMemtablesPerTable { get; init; } = 3;

    /// <summary>Largest accepted cell value (16 MiB by default).</summary>
    public long MaxValueSizeBytes { get; init; } = 16L << 20;

    /// <summary>
    /// Compaction's write rate in MiB/s with no compaction backlog; 0 = unlimited. The rate grows with the backlog
    /// (<see cref="CompactionController"/>), so this is a floor while compaction is behind and a cap only when it is not.
    /// </summary>
    public double CompactionThroughputMiBPerSecond { get; init; }

    /// <summary>
    /// How compaction's rate grows with its backlog (ScyllaDB's compaction controller): up to 16x the base rate at a
    /// backlog of 16 memtable flushes. <c>MaxFactor = 1</c> keeps the base rate as a fixed cap.
    /// </summary>
    public Compaction.CompactionControllerOptions CompactionController { get; init; } = new();

    /// <summary>
    /// only_purge_repaired_tombstones: when set, compaction purges a tombstone only if its local deletion time is also
    /// before what this returns for (table "ks.t", partition token): the time (Unix seconds) the range holding the
    /// token was last repaired (int.MinValue when never: nothing there is purged). Null: gc_grace alone decides.
    /// </summary>
    public Func<string, RingStore.Core.Partitioning.Token, int>? RepairedBefore { get; init; }

    /// <summary>Whether flush and compaction run by themselves in the background (tests may turn this off).</summary>
    public bool BackgroundCompaction { get; init; } = true;

    /// <summary>
    /// The commit log's files (its segments through <see cref="FileSystemLogDevice"/>, its metadata) go through the
    /// engine's file system too, instead of straight to disk with FASTER's own device: the whole engine then runs on
    /// an <see cref="IO.InMemoryFileSystem"/> (the simulator) and disk faults reach the log.
    /// </summary>
    public bool CommitLogOnFileSystem { get; init; }

    /// <summary>
    /// No thread of the engine's own: no background loops (requires <see cref="BackgroundCompaction"/> off), the
    /// commit log commits on the writer's thread (<see cref="CommitLogOptions.InlineSync"/>: group mode, each append
    /// its own commit; periodic mode, synced when <see cref="StorageEngine.RunBackgroundStepsAsync"/> runs), flushes
    /// and compactions write their SSTables on the caller's thread. The owner runs the background work by calling
    /// <see cref="StorageEngine.RunBackgroundStepsAsync"/>. With <see cref="CommitLogOnFileSystem"/> over an in-memory
    /// file system, a single-threaded owner (the simulator) sees the same run every time.
    /// </summary>
    public bool RunInline { get; init; }

    /// <summary>
    /// The node's cache of decompressed Data chunks (<see cref="SSTables.ChunkCache"/>, Cassandra's chunk cache, whose
    /// default is min(512 MiB, 1/4 of the heap)), in MiB, shared by every table; 0 = none (every read of a compressed
    /// chunk decompresses it). 256 by default: what the memtables get by default too (Cassandra gives each 1/4 of the
    /// heap; RingStore has no heap setting), about a quarter of a small node's 1 GiB. It fills only as chunks are read.
    /// </summary>
    public int ChunkCacheSizeMiB { get; init; } = 256;

    /// <summary>
    /// Checksummed block size of SSTable data and index files (written in each file's header, so files with another
    /// block size stay readable). Every read verifies the CRC of each block it uses, so a point read checksums about
    /// three blocks: 4 KiB keeps that near 1 µs (8 KiB, best when a block was verified only on first use, cost point
    /// reads about 40% once every read verified; see bench/README.md).
    /// </summary>
    public int SSTableBlockSizeBytes { get; init; } = 4 * 1024;

    /// <summary>
    /// Every Nth partition-index entry is kept in memory; a point read scans at most N entries.
    /// 16 keeps that scan short at ~1/16 of the index in memory (Cassandra's key cache plays this role there).
    /// </summary>
    public int IndexSummaryInterval { get; init; } = 16;

    /// <summary>
    /// A row-index entry per this many bytes of a partition's rows, so a point read or a slice
    /// inside a partition decodes only the rows of one stretch instead of scanning from its start.
    /// </summary>
    public int RowIndexIntervalBytes { get; init; } = 4 * 1024;

    /// <summary>
    /// Compaction logs a warning for each partition it writes larger than this (Cassandra's
    /// compaction_large_partition_warning_threshold, 100 MiB); 0 turns the warning off.
    /// </summary>
    public long CompactionLargePartitionWarningBytes { get; init; } = 100L << 20;

    /// <summary>Single-SSTable tombstone compactions (Cassandra's tombstone_threshold 0.2, interval 1 day).</summary>
    public Compaction.TombstoneCompactionOptions TombstoneCompaction { get; init; } = new();

    /// <summary>
    /// Cassandra's auto_snapshot: TRUNCATE and DROP TABLE first flush the table and snapshot it
    /// (<c>truncated-&lt;ms&gt;-&lt;table&gt;</c>, <c>dropped-&lt;ms&gt;-&lt;table&gt;</c>), so a mistaken one can be undone with a restore.
    /// On by default; the snapshots stay until cleared (<c>ringstore clearsnapshot</c>).
    /// </summary>
    public bool AutoSnapshot { get; init; } = true;
}
