namespace RingStore.Storage.Hints;

/// <summary>Configuration of the coordinator's hint store (one FasterLog per target host under <see cref="Directory"/>).</summary>
public sealed record HintStoreOptions
{
    /// <summary>Root directory; each target host gets <c>&lt;Directory&gt;/&lt;hostId&gt;/</c> (created if missing).</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Hints older than this at replay time are dropped and counted instead of delivered. Past it, anti-entropy
    /// (read repair, repair) is the way to converge; replaying very old writes only delays the target's catch-up.
    /// </summary>
    public TimeSpan HintWindow { get; init; } = TimeSpan.FromHours(3);

    /// <summary>Replay speed limit per target, in KiB of hint payload per second; 0 = unlimited.</summary>
    public int ReplayThrottleKiBPerSecond { get; init; } = 1024;

    /// <summary>
    /// Cap on the hints kept for one target host, in bytes (Cassandra's max_hints_size_per_host); past it the oldest
    /// hints are dropped and counted as dropped (repair restores what they carried). 0 = unlimited.
    /// </summary>
    public long MaxHintsBytesPerHost { get; init; }

    /// <summary>
    /// How long the first waiting appender holds the fsync open for others to join. Every append is durable before
    /// <see cref="HintStore.AppendAsync"/> completes either way; zero still shares one fsync among all appenders that
    /// arrived while the previous one ran.
    /// </summary>
    public TimeSpan GroupCommitWindow { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Size of one hint log segment file; a power of two between 64 KiB and 1 GiB. It is also FasterLog's page size
    /// (capped at 16 MiB), so it bounds the largest hint (<see cref="HintStore.MaxHintBytes"/>) and each open target
    /// keeps up to two pages in memory. Delivered space is freed a whole segment at a time.
    /// </summary>
    public long SegmentSizeBytes { get; init; } = 4L << 20;

    /// <summary>
    /// The delivered position is made durable (FasterLog TruncateUntil + commit, one fsync) after this many
    /// acknowledged or dropped hints, and always when a replay ends. A crash in between resends at most this many.
    /// </summary>
    public int PersistDeliveredEveryHints { get; init; } = 32;

    /// <summary>
    /// Longest wait for one existing hint log to open at startup. FasterLog can block forever on some device errors
    /// (seen: a directory where a segment file should be); past this the log is moved aside so the node still starts.
    /// </summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The file seam every hint-log file goes through (segments on the commit log's <c>FileSystemLogDevice</c>,
    /// commit metadata, cut ranges, the per-target folders). Null: the real disk (FASTER's own file device and
    /// System.IO). The simulator gives each node its in-memory, crashable file system here.
    /// </summary>
    public IO.IStorageFileSystem? FileSystem { get; init; }

    /// <summary>
    /// No thread or timer of the store's own (for the deterministic simulator, as the engine's <c>RunInline</c>): an
    /// append commits on the caller before it completes, delivered cursors commit on the caller, logs open on the
    /// caller at <see cref="HintStore.Open"/>. Needs <see cref="ReplayThrottleKiBPerSecond"/> 0 (the throttle waits on a
    /// timer) and is meant for a <see cref="FileSystem"/> whose I/O completes inline.
    /// </summary>
    public bool RunInline { get; init; }
}
