using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.IO;
using RingStore.Storage.Memtables;
using RingStore.Storage.Reads;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>
/// One table's LSM state: the current <see cref="TableView"/> (swapped with compare-and-swap),
/// memtable switching, flushing to SSTables, and reads that merge every source.
/// Compaction lives in <see cref="Compaction.CompactionRunner"/>; this class only installs its result.
/// </summary>
public sealed class TableStore : IDisposable
{
    private readonly IStorageFileSystem _fs;
    private readonly StorageEngineOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private TableView _view;
    private TaskCompletionSource _flushProgress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextGeneration;
    private long _nextMemtableId;
    private readonly MemtableMemory? _memory;

    public TableStore(TableSchema schema, string directory, IStorageFileSystem fs, StorageEngineOptions options,
        ILogger logger, IReadOnlyList<SSTableReader> existing, long nextGeneration, MemtableMemory? memory = null)
    {
        _memory = memory;
        Schema = schema;
        FullName = schema.FullName;
        Directory = directory;
        _fs = fs;
        _options = options;
        _logger = logger;
        _nextGeneration = nextGeneration;
        _view = new TableView(new Memtable(NextMemtableId(), _memory), [], [.. existing]);
        foreach (var sst in existing) sst.ObserveCorruption(LogCorruption);
        Metrics = new TableMetrics();
    }

    /// <summary>
    /// An SSTable of this table hit a checksum mismatch (or other corruption) and is now unreadable: reads that may
    /// concern it fail on this replica from now on (see <see cref="SSTableReader.Corruption"/>), compaction leaves it
    /// alone. Logged once per SSTable, at error level, naming the file.
    /// </summary>
    private void LogCorruption(SSTableReader sst, CorruptSSTableException e)
    {
        _logger.LogError(e, "SSTable {File} of {Table} is {What} and is now unreadable: reads of partitions it may hold fail on this node until it is replaced (scrub, or repair after removing it)",
            e.File, Schema.FullName, e.ReadError is null ? "corrupt" : "failing I/O");
        // The disk failure policy decides what else happens: an I/O error is a disk failure (stop, die), corruption
        // only under stop_paranoid and die.
        SSTableReadFailed?.Invoke(e.ReadError is { } io ? io : e);
    }

    /// <summary>
    /// The node's cache of decompressed chunks (null: none): every SSTable in this table's view reads through it, those
    /// there now and those that enter it later (flush, compaction, import, streaming).
    /// </summary>
    internal ChunkCache? ChunkCache
    {
        get => _chunkCache;
        init
        {
            _chunkCache = value;
            foreach (var sst in _view.SSTables) sst.UseChunkCache(value);
        }
    }

    private readonly ChunkCache? _chunkCache;

    /// <summary>Told (once per SSTable) when an SSTable becomes unreadable: the I/O error, or the CorruptSSTableException.</summary>
    internal Action<Exception>? SSTableReadFailed { get; set; }

    /// <summary>Called after each flush added an SSTable to the view (the engine records the compaction backlog).</summary>
    internal Action<TableStore>? Flushed { get; set; }

    public TableSchema Schema { get; private set; }

    /// <summary>"keyspace.table", made once: <see cref="TableSchema.FullName"/> builds a new string on every call, and the write path needs it per write.</summary>
    public string FullName { get; }
    public string Directory { get; }

    /// <summary>Commit-log entries of this table below this position were truncated away: replay skips them.</summary>
    public long TruncatedLogPosition { get; internal set; } = long.MinValue;

    /// <summary>
    /// SSTable generations below this were truncated away: open deletes them. An import whose generation is below it
    /// (allocated before a TRUNCATE that ran while it was written) must not go live, or it would vanish at restart.
    /// </summary>
    public long TruncatedGenerationFloor { get; internal set; } = long.MinValue;
    /// <summary>
    /// Where this table's flushes record how far its commit-log entries are in SSTables (see <see cref="ReplayFloorRecord"/>):
    /// the commit log's id and a function giving its tail (during replay, the entry being replayed). Null: not recorded.
    /// </summary>
    internal (Guid LogId, Func<long> LogTail)? ReplayFloorSource { get; init; }

    /// <summary>Commit-log entries of this table below this position are in SSTables: replay skips them.</summary>
    public long ReplayFloor { get; internal set; } = long.MinValue;

    public TableMetrics Metrics { get; }
    public TableView View => Volatile.Read(ref _view);

    internal void UpdateSchema(TableSchema schema) => Schema = schema;

    private long NextMemtableId() => Interlocked.Increment(ref _nextMemtableId);

    public long AllocateGeneration() => Interlocked.Increment(ref _nextGeneration) - 1;

    /// <summary>Registers a writer with the active memtable (retrying across a concurrent switch).</summary>
    public Memtable BeginWrite(long logTailBeforeAppend)
    {
        while (true)
        {
            var active = View.Active;
            if (active.TryBeginWrite(logTailBeforeAppend)) return active;
        }
    }

    /// <summary>Swaps the view with <paramref name="change"/> until no concurrent swap interferes.</summary>
    public TableView Swap(Func<TableView, TableView> change)
    {
        while (true)
        {
            var current = View;
            var next = change(current);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _view, next, current), current))
            {
                // Every SSTable that enters the view (flush, compaction, import) reports corruption to this table's log.
                // ... and reads its compressed chunks through the node's chunk cache.
                foreach (var sst in next.SSTables)
                {
                    sst.ObserveCorruption(LogCorruption);
                    sst.UseChunkCache(_chunkCache);
                }
                return next;
            }
        }
    }

    /// <summary>
    /// Switches the active memtable out if it is over the threshold (or <paramref name="force"/>).
    /// Returns true if a memtable was sealed and is now waiting for flush.
    /// </summary>
    public bool SwitchMemtable(bool force)
    {
        Memtable? sealedOne = null;
        Swap(v =>
        {
            sealedOne = null;
            if (v.Active.IsEmpty || (!force && v.Active.EstimatedSizeBytes < _options.MemtableFlushThresholdBytes)) return v;
            sealedOne = v.Active;
            return v with { Active = new Memtable(NextMemtableId(), _memory), Flushing = v.Flushing.Add(v.Active) };
        });
        sealedOne?.Seal();
        return sealedOne is not null;
    }

    public bool HasMemtablesToFlush => !View.Flushing.IsEmpty;

    /// <summary>
    /// Completes the next time a sealed memtable leaves the view (flushed, found empty or truncated away).
    /// Writers held back by a flush backlog wait on it (take it before checking the backlog, so no signal is missed).
    /// </summary>
    internal Task FlushProgress => Volatile.Read(ref _flushProgress).Task;

    private void SignalFlushProgress() =>
        Interlocked.Exchange(ref _flushProgress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Empties the table (TRUNCATE). Holding the flush gate (so no flush can add an SSTable of old data after the
    /// swap): seal the active memtable, wait for its in-flight writers, record durably the commit-log tail and
    /// the first generation not truncated, then swap in a view with no SSTables and no sealed memtables.
    /// The record comes first: a crash after it and before the file deletions still ends truncated at restart.
    /// A write racing with the truncate may land on either side of it, as in Cassandra.
    /// </summary>
    internal async Task TruncateAsync(Func<long> logTail, CancellationToken ct)
    {
        await _flushGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            SwitchMemtable(force: true);
            foreach (var memtable in View.Flushing) await memtable.WaitForWriters(ct).ConfigureAwait(false);
            var record = new TruncationRecord(logTail(), AllocateGeneration());
            record.Save(_fs, Directory);
            TruncatedLogPosition = record.LogPosition;
            TruncatedGenerationFloor = record.GenerationFloor;
            TableView? before = null;
            Swap(v =>
            {
                before = v;
                return new TableView(v.Active, [], []);
            });
            foreach (var m in before!.Flushing) m.ReleaseMemory();
            SignalFlushProgress();
            foreach (var sst in before!.SSTables)
            {
                sst.MarkObsolete();
                sst.Dispose();
            }
            _logger.LogInformation("Truncated {Table}: {SSTables} SSTables and {Memtables} memtables dropped",
                Schema.FullName, before.SSTables.Length, before.Flushing.Length);
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>
    /// Flushes every sealed memtable, oldest first. On failure (disk full, I/O error) the memtable
    /// stays in the view, readable, and the commit log keeps its entries: nothing acknowledged is lost
    /// and a later flush retries.
    /// </summary>
    public async Task FlushSealedAsync(CancellationToken ct = default)
    {
        await _flushGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var memtable in View.Flushing)
            {
                await memtable.WaitForWriters(ct).ConfigureAwait(false);
                if (memtable.IsEmpty)
                {
                    Swap(v => v with { Flushing = v.Flushing.Remove(memtable) });
                    memtable.ReleaseMemory();
                    SignalFlushProgress();
                    continue;
                }
                var reader = await DedicatedThread.Run(() => WriteSSTable(memtable, ct), _options.RunInline, ct).ConfigureAwait(false);
                // Before the swap (the SSTable is already durable and complete, so it is loaded at open whatever
                // happens next): once the view shows the SSTable, no write of the record is still under way.
                RecordReplayFloor(memtable);
                Swap(v => v with { Flushing = v.Flushing.Remove(memtable), SSTables = v.SSTables.Add(reader) });
                memtable.ReleaseMemory();
                SignalFlushProgress();
                Metrics.RecordFlush();
                Flushed?.Invoke(this);
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>
    /// Adds a complete, verified SSTable (a streamed import) to the view in one swap. Under the flush gate, so a
    /// TRUNCATE is entirely before or after: false when one ran after the SSTable's generation was allocated (the
    /// import is older than the truncate, and its generation is below the floor a restart deletes); the caller drops it.
    /// </summary>
    private long _importEpoch;

    /// <summary>Grows with every imported SSTable installed (see CompactionRunner's purge check).</summary>
    public long ImportEpoch => Interlocked.Read(ref _importEpoch);

    internal async Task<bool> TryInstallImportedAsync(SSTableReader reader, CancellationToken ct)
    {
        await _flushGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (reader.Generation < TruncatedGenerationFloor) return false;
            // Before the swap: a compaction that sees the new SSTable's data missing from its sources sees the epoch moved.
            Interlocked.Increment(ref _importEpoch);
            Swap(v => v with { SSTables = v.SSTables.Add(reader) });
            return true;
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private SSTableReader WriteSSTable(Memtable memtable, CancellationToken ct)
    {
        long generation = AllocateGeneration();
        var writerOptions = new SSTableWriterOptions
        {
            BloomFilterFpChance = Schema.Options.BloomFilterFpChance,
            Compression = Schema.Options.Compression,
            BlockSizeBytes = _options.SSTableBlockSizeBytes,
            ExpectedPartitions = memtable.PartitionCount,
            IndexSummaryInterval = _options.IndexSummaryInterval,
            RowIndexIntervalBytes = _options.RowIndexIntervalBytes,
        };
        var writer = SSTableWriter.Create(_fs, Directory, generation, writerOptions);
        SSTableReader reader;
        try
        {
            // Rows go from the arena to the file as the bytes they are (decoding them to objects and encoding them
            // again was most of a flush's CPU and garbage).
            foreach (var p in memtable.ScanEncodedInTokenOrder())
            {
                // Stopping the engine abandons a flush (its files are deleted below): the commit log still holds the
                // memtable, so a stop need not wait for seconds of SSTable writing.
                ct.ThrowIfCancellationRequested();
                writer.AppendEncodedPartition(p.Key, p.PartitionDeletion, p.RangeTombstones, p.Rows);
            }
            reader = writer.Finish();
        }
        catch
        {
            // Close every file and delete the temp files whatever throws (a full disk also fails the closes), so a
            // failed flush keeps no disk space and no handle; the memtable stays and the next flush retries.
            LogAbortFailure(writer.Abort(), generation);
            throw;
        }
        writer.Dispose();
        _logger.LogInformation("Flushed memtable {Id} of {Table} ({Bytes} bytes in memory) to SSTable generation {Generation}",
            memtable.Id, Schema.FullName, memtable.EstimatedSizeBytes, generation);
        return reader;
    }

    /// <summary>
    /// Once <paramref name="flushed"/> is durably in an SSTable: every entry of this table below min(log tail, lowest
    /// position of its other unflushed memtables) is in an SSTable. The tail is read first: a writer that registers
    /// with a memtable after that read appends at or after it, and one that registered before is seen by the second
    /// read (as for the commit-log release). A failure to write the record is logged and costs only a longer replay.
    /// </summary>
    private void RecordReplayFloor(Memtable flushed)
    {
        if (ReplayFloorSource is not { } source) return;
        long floor = source.LogTail();
        var view = View;
        if (!ReferenceEquals(view.Active, flushed)) floor = Math.Min(floor, view.Active.LowestLogPosition);
        foreach (var m in view.Flushing)
            if (!ReferenceEquals(m, flushed)) floor = Math.Min(floor, m.LowestLogPosition);
        if (floor <= ReplayFloor) return;
        try
        {
            new ReplayFloorRecord(source.LogId, floor).Save(_fs, Directory);
            ReplayFloor = floor;
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "Could not record the replay floor of {Table}; a restart will replay entries already flushed", Schema.FullName);
        }
    }

    private void LogAbortFailure(Exception? cleanupFailure, long generation)
    {
        if (cleanupFailure is not null)
            _logger.LogWarning(cleanupFailure, "Cleaning up the failed flush of {Table} to SSTable generation {Generation} failed too",
                Schema.FullName, generation);
    }

    /// <summary>The lowest commit-log position still needed by an unflushed memtable (long.MaxValue if none).</summary>
    public long LowestUnflushedLogPosition
    {
        get
        {
            var v = View;
            long min = v.Active.LowestLogPosition;
            foreach (var m in v.Flushing) min = Math.Min(min, m.LowestLogPosition);
            return min;
        }
    }

    /// <summary>
    /// Reads one partition's slices (sorted, disjoint; one pass through the merge whatever their number): every memtable
    /// plus the SSTables not excluded by bloom filter or metadata.
    /// </summary>
    /// <remarks><paramref name="progress"/> (optional) sees every source row as the merge pulls it: counted, and the read
    /// stopped when its token fires.</remarks>
    /// <remarks><paramref name="fillCache"/>: a point read or slice whose chunks may go into the chunk cache (see
    /// <see cref="ChunkCacheFill"/>); false (the default) reads around it, as a scan does.</remarks>
    public MergedPartition? ReadPartition(byte[] partitionKey, IReadOnlyList<ClusteringSlice> slices, bool reversed, List<SSTableReader> acquired,
        ReadProgress? progress = null, bool fillCache = false)
    {
        if (slices.Count == 0) return null;
        var hull = new ClusteringSlice(slices[0].Start, slices[^1].End);
        var view = AcquireView(acquired);
        var sources = new List<PartitionSnapshot>(4);
        var token = Murmur3Partitioner.GetToken(partitionKey);
        foreach (var sst in view.SSTables)
        {
            if (!MayHold(sst, partitionKey, token, hull)) continue;
            var p = sst.ReadPartition(partitionKey, slices, reversed, fillCache);
            if (p is not null) sources.Add(new PartitionSnapshot(p.Key, p.Token, p.PartitionDeletion, p.RangeTombstones, p.Rows));
        }
        foreach (var m in view.Flushing)
            if (m.Read(partitionKey, slices, reversed) is { } snap) sources.Add(snap);
        if (view.Active.Read(partitionKey, slices, reversed) is { } active) sources.Add(active);
        if (progress is not null)
        {
            progress.Check();
            for (int i = 0; i < sources.Count; i++) sources[i] = sources[i] with { Rows = progress.Observe(sources[i].Rows) };
        }
        return PartitionMerger.Merge(sources, reversed);
    }

    private static bool MayHold(SSTableReader sst, byte[] key, Token token, ClusteringSlice slice)
    {
        var stats = sst.Statistics;
        if (token < stats.MinToken || token > stats.MaxToken) return false;
        if (!sst.MayContain(key)) return false;
        // Clustering bounds may only exclude an SSTable without partition or range tombstones:
        // those shadow rows of other sources even when this SSTable has no row in the slice.
        if (stats.PartitionDeletionCount == 0 && stats.RangeTombstoneCount == 0 && stats.RowCount > 0)
        {
            if (!slice.Start.AdmitsAsStart(stats.MaxClustering)) return false;
            if (!slice.End.AdmitsAsEnd(stats.MinClustering)) return false;
        }
        return true;
    }

    /// <summary>Scans partitions with start &lt; token &lt;= end (no wrap-around; callers split wrapping ranges).</summary>
    public IEnumerable<MergedPartition> ScanTokenRange(Token startExclusive, Token endInclusive, List<SSTableReader> acquired,
        IReadOnlySet<long>? excludeGenerations = null)
    {
        var view = AcquireView(acquired);
        var streams = new List<IEnumerator<PartitionSnapshot>>();
        foreach (var sst in view.SSTables)
        {
            if (excludeGenerations is not null && excludeGenerations.Contains(sst.Generation)) continue;
            if (sst.Statistics.MaxToken <= startExclusive || sst.Statistics.MinToken > endInclusive) continue;
            streams.Add(sst.Scan(startExclusive, endInclusive)
                .Select(p => new PartitionSnapshot(p.Key, p.Token, p.PartitionDeletion, p.RangeTombstones, p.Rows)).GetEnumerator());
        }
        foreach (var m in view.Flushing.Add(view.Active))
            streams.Add(m.ScanInTokenOrder().Where(p => p.Token > startExclusive && p.Token <= endInclusive).GetEnumerator());
        return PartitionStreamMerger.Merge(streams);
    }

    /// <summary>Takes a view whose SSTables are all referenced, so compaction cannot delete them under the reader.</summary>
    internal TableView AcquireView(List<SSTableReader> acquired)
    {
        while (true)
        {
            var view = View;
            int taken = 0;
            foreach (var sst in view.SSTables)
            {
                if (!sst.TryAcquire()) break;
                acquired.Add(sst);
                taken++;
            }
            if (taken == view.SSTables.Length) return view;
            for (int i = 0; i < taken; i++)
            {
                acquired[^1].Release();
                acquired.RemoveAt(acquired.Count - 1);
            }
        }
    }

    public void Dispose()
    {
        var view = View;
        view.Active.ReleaseMemory();
        foreach (var m in view.Flushing) m.ReleaseMemory();
        foreach (var sst in view.SSTables) sst.Dispose();
        _flushGate.Dispose();
    }
}
