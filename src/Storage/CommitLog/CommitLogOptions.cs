namespace RingStore.Storage.CommitLog;

/// <summary>Configuration of one commit log directory.</summary>
public sealed record CommitLogOptions
{
    /// <summary>Directory holding the segment files and FasterLog's commit metadata (created if missing).</summary>
    public required string Directory { get; init; }

    /// <summary>Durability contract of <see cref="CommitLog.AppendAsync"/>.</summary>
    public CommitLogSyncMode SyncMode { get; init; } = CommitLogSyncMode.Periodic;

    /// <summary>Periodic mode: the longest time an acknowledged append may stay un-synced.</summary>
    public TimeSpan PeriodicSyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Group mode: how long the first waiting writer holds the fsync open for others to join.</summary>
    public TimeSpan GroupCommitWindow { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Size of one segment file; a power of two between 64 KiB and 1 GiB. Released space is freed a whole segment at a time.</summary>
    public long SegmentSizeBytes { get; init; } = 32L << 20;

    /// <summary>
    /// Operator's explicit opt-in: a corrupt entry in the middle of the log is skipped with a warning instead of
    /// stopping startup. Off by default because skipping silently loses an acknowledged write.
    /// </summary>
    public bool SkipCorruptEntries { get; init; }

    /// <summary>
    /// After a failed commit, the first wait between attempts to start a new generation; it doubles after each attempt
    /// up to <see cref="GenerationRetryMaxDelay"/> until a generation commits data (see GenerationRetry).
    /// </summary>
    public TimeSpan GenerationRetryFirstDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between attempts to start a new generation while the disk still fails.</summary>
    public TimeSpan GenerationRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The file seam the log lives on. Null (the default): the real disk, with FASTER's own file device for the
    /// segments. Set: every file of the log (segments through <see cref="FileSystemLogDevice"/>, commit metadata, ids,
    /// cut ranges, generation directories) goes through it, every I/O completing on the caller's thread
    /// (the simulator's in-memory disk, fault injection).
    /// </summary>
    public IO.IStorageFileSystem? FileSystem { get; init; }

    /// <summary>
    /// No background thread: in group mode each append commits itself on the caller before it returns (no group
    /// window, no sharing); in periodic mode nothing syncs until <see cref="CommitLog.FlushAsync"/> is called (the
    /// caller is the clock). For a single-threaded caller that must replay exactly (the simulator).
    /// </summary>
    public bool InlineSync { get; init; }
}
