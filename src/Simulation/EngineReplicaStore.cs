using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;

namespace RingStore.Simulation;

/// <summary>
/// A simulated node's data in the real <see cref="StorageEngine"/> (memtables, the FasterLog commit log, SSTables,
/// flush, compaction, commit-log replay) over the node's own <see cref="InMemoryFileSystem"/>, behind a
/// <see cref="FaultInjectingFileSystem"/> for disk faults. The engine runs with <c>RunInline</c> and its commit log on
/// the file seam: no thread of its own, every I/O completing on the caller, time from <see cref="SimClock"/>; the node
/// calls <see cref="RunBackgroundSteps"/> on a virtual-time timer. Group commit: a write is acknowledged only after the
/// commit covering it is durable, so acknowledged writes must survive crashes (the checker holds the engine to it).
/// <para>Lifecycle: <see cref="TryOpen"/> opens (and replays) the engine; <see cref="Stop"/> drops it (the node then crashes
/// its disk for a power loss, or not for a process restart). A dropped engine is never used or disposed again: its files
/// are the new engine's. The disk is the node's (<see cref="SimNode.Disk"/>): its hint store writes there too.</para>
/// </summary>
public sealed class EngineReplicaStore : IReplicaStore
{
    /// <summary>The simulated table: text partition key, no clustering, one bigint value.</summary>
    public static readonly TableSchema Schema = new(
        "ks", "values",
        [new ColumnDefinition("k", ColumnType.Text)],
        [],
        [new ColumnDefinition("value", ColumnType.BigInt)],
        id: Guid.Parse("00000000-0000-0000-0000-00000000051a"));

    private readonly StorageEngineOptions _options;
    private readonly TimeProvider _clock;
    private StorageEngine? _engine;
    private bool _diskFailed;

    public EngineReplicaStore(string endpoint, SimulationOptions options, TimeProvider clock, InMemoryFileSystem memory, FaultInjectingFileSystem disk)
    {
        ArgumentNullException.ThrowIfNull(options);
        _clock = clock;
        Memory = memory;
        Disk = disk;
        _options = new StorageEngineOptions
        {
            DataDirectory = "/" + endpoint,
            BackgroundCompaction = false,
            RunInline = true,
            CommitLogOnFileSystem = true,
            CommitLogSync = CommitLogSyncMode.Group,
            CommitLogSegmentSizeBytes = 64 * 1024,
            MemtableFlushThresholdBytes = options.MemtableFlushThresholdBytes,
            CommitLogTotalSpaceBytes = options.CommitLogSpaceBytes,
        };
    }

    /// <summary>The node's disk: what survives a crash is what it says.</summary>
    public InMemoryFileSystem Memory { get; }

    /// <summary>The fault layer the engine writes through.</summary>
    public FaultInjectingFileSystem Disk { get; }

    public bool IsOpen => _engine is not null;

    /// <summary>Commit-log entries the last open replayed.</summary>
    public long LastReplayed { get; private set; }

    /// <summary>Flushes and compactions of engines already dropped, plus the open one's (see <see cref="Flushes"/>).</summary>
    private long _flushesBefore, _compactionsBefore;

    public long Flushes => _flushesBefore + (_engine?.GetStats().Tables.Sum(t => t.Flushes) ?? 0);

    public long Compactions => _compactionsBefore + (_engine?.GetStats().Tables.Sum(t => t.Compactions) ?? 0);

    /// <summary>
    /// Whether the engine reported a disk failure (a commit, flush, compaction or SSTable read) since the last call;
    /// the node's disk failure policy (stop) acts on it.
    /// </summary>
    public bool TakeDiskFailure()
    {
        bool failed = _diskFailed;
        _diskFailed = false;
        return failed;
    }

    /// <summary>Opens the engine on what the disk holds (replaying the commit log); false with the reason if it cannot.</summary>
    public bool TryOpen(out string? error)
    {
        if (_engine is not null) throw new InvalidOperationException("The engine is already open.");
        try
        {
            var engine = StorageEngine.Open(_options, [Schema], time: _clock, fileSystem: Disk);
            engine.DiskFailed += _ => _diskFailed = true;
            _engine = engine;
            _diskFailed = false;
            LastReplayed = engine.GetStats().ReplayedEntries;
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or CommitLogCorruptionException or Storage.SSTables.CorruptSSTableException or FASTER.core.FasterException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    /// <summary>The process goes away (disk kept as written).</summary>
    public void Stop() => Drop();

    private void Drop()
    {
        if (_engine is null) return;
        var stats = _engine.GetStats();
        _flushesBefore += stats.Tables.Sum(t => t.Flushes);
        _compactionsBefore += stats.Tables.Sum(t => t.Compactions);
        _engine = null; // never disposed: a dispose would sync and write, which a dead process does not
    }

    /// <summary>What the engine's background loops would do now: flush, release the commit log, compact.</summary>
    public void RunBackgroundSteps() => Wait(Engine.RunBackgroundStepsAsync());

    public void Apply(PartitionUpdate update) => Wait(Engine.ApplyAsync(update));

    public MergedPartitionData? Read(SliceQuery query, int nowSeconds) => Engine.ReadUnfiltered(query);

    public (IReadOnlyList<MergedPartitionData> Partitions, RangePosition? Resume) ReadRange(RangePosition after, long endInclusive, int rowLimit)
    {
        ArgumentNullException.ThrowIfNull(after);
        var end = new Token(endInclusive);
        if (after.Key is null ? after.Token >= end : after.Token > end) return ([], null); // an empty range
        var page = Engine.ReadTokenRangePage(SimCluster.Table, after, end, rowLimit, long.MaxValue);
        return (page.Partitions, page.Resume);
    }

    /// <summary>Repair validation: the product's Merkle tree of (start, end] over this engine.</summary>
    public Storage.Repair.MerkleTree BuildTree(long startExclusive, long endInclusive, int depth, int nowSeconds) =>
        Storage.Repair.RepairScan.BuildTree(Engine, SimCluster.Table, startExclusive, endInclusive, depth, nowSeconds).Tree;

    /// <summary>Every partition of (start, end], whole (the product's RepairScan), for a repair exchange.</summary>
    public IReadOnlyList<MergedPartitionData> Partitions(long startExclusive, long endInclusive) =>
        [.. Storage.Repair.RepairScan.Partitions(Engine, SimCluster.Table, startExclusive, endInclusive)];

    /// <summary>Read with the disk's read errors lifted for the look, so checking never marks an SSTable unreadable.</summary>
    public long LatestTimestamp(byte[] partitionKey)
    {
        if (_engine is null) return long.MinValue;
        var failReads = Disk.FailReadsOf;
        Disk.FailReadsOf = null;
        try
        {
            var data = _engine.ReadUnfiltered(SliceQuery.WholePartition(SimCluster.Table, partitionKey));
            return data is null ? long.MinValue : SimReplicaStore.NewestTimestamp(data);
        }
        finally
        {
            Disk.FailReadsOf = failReads;
        }
    }

    private StorageEngine Engine => _engine ?? throw new IOException("The node's storage engine is not running.");

    private static void Wait(ValueTask task)
    {
        if (task.IsCompletedSuccessfully) return;
        task.AsTask().GetAwaiter().GetResult();
    }

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
