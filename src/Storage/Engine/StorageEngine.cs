using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Serialization;
using RingStore.Core.Time;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Compaction;
using RingStore.Storage.IO;
using RingStore.Storage.Memtables;
using RingStore.Storage.Reads;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>
/// One node's storage engine: a shared commit log and a <see cref="TableStore"/> per table.
/// Thread-safe. Writes: validate, append to the commit log, apply to the memtable. Reads merge
/// memtables and SSTables. A background loop flushes switched memtables, releases commit-log space
/// and runs compactions.
/// </summary>
public sealed partial class StorageEngine : IAsyncDisposable
{
    private readonly StorageEngineOptions _options;
    private readonly IStorageFileSystem _fs;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CommitLog.CommitLog _commitLog;
    private readonly ConcurrentDictionary<string, TableStore> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TableStore>.AlternateLookup<ReadOnlySpan<char>> _tableByName;
    private readonly CompactionRunner _compaction;
    private readonly SemaphoreSlim _flushWake = new(0);
    private readonly SemaphoreSlim _compactionWake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _flushing, _compacting;
    private long _releasedLogPosition = -1;
    private int _disposed;
    private readonly MemtableLimits _limits;
    private readonly SSTables.ChunkCache? _chunkCache;
    private readonly Func<ValueTask> _makeRoom;
    private int _planRequested;
    private long _replayCursor; // >= 0 until replay ends: where replay is (flush floors use it; no release, no planning meanwhile)
    private long _replayedEntries, _replaySkippedFlushed;

    private StorageEngine(StorageEngineOptions options, IStorageFileSystem fs, ILoggerFactory loggerFactory,
        TimeProvider time, CommitLog.CommitLog commitLog)
    {
        _options = options;
        _fs = fs;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<StorageEngine>();
        _time = time;
        _commitLog = commitLog;
        _tableByName = _tables.GetAlternateLookup<ReadOnlySpan<char>>();
        _limits = new MemtableLimits(options, commitLog);
        _chunkCache = options.ChunkCacheSizeMiB > 0 ? new SSTables.ChunkCache((long)options.ChunkCacheSizeMiB << 20) : null;
        _makeRoom = MakeRoomAsync; // one delegate, not one per write
        _compaction = new CompactionRunner(fs, options, loggerFactory.CreateLogger<CompactionRunner>(), time);
        // Two loops, as Cassandra has separate flush and compaction executors: a flush must never wait behind a
        // compaction (which may run for minutes under a throughput cap) while sealed memtables pile up to the
        // back-pressure limit and writes stall.
        _flushing = options.BackgroundCompaction ? Task.Run(() => BackgroundLoop(_flushWake, FlushStepAsync, "flush")) : Task.CompletedTask;
        _compacting = options.BackgroundCompaction ? Task.Run(() => BackgroundLoop(_compactionWake, CompactionStepAsync, "compaction")) : Task.CompletedTask;
    }

    /// <summary>
    /// Opens (or creates) a data directory with the given tables: removes leftovers of interrupted
    /// SSTable writes, opens SSTables, replays the commit log into memtables.
    /// </summary>
    public static StorageEngine Open(StorageEngineOptions options, IEnumerable<TableSchema> tables,
        ILoggerFactory? loggerFactory = null, TimeProvider? time = null, IStorageFileSystem? fileSystem = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System; // the engine's composition root: everything below gets this clock
        ArgumentNullException.ThrowIfNull(options);
        options = FlushStagger.Apply(options); // every part below sees this node's (staggered) flush triggers
        var fs = fileSystem ?? new PhysicalFileSystem();
        if (options.RunInline && options.BackgroundCompaction)
            throw new ArgumentException("RunInline needs BackgroundCompaction off: the owner runs the background steps.", nameof(options));
        if (options.ChunkCacheSizeMiB < 0) throw new ArgumentOutOfRangeException(nameof(options), options.ChunkCacheSizeMiB, "ChunkCacheSizeMiB must be 0 (no cache) or positive.");
        fs.CreateDirectory(options.DataDirectory);
        var commitLog = CommitLog.CommitLog.Open(new CommitLogOptions
        {
            Directory = Path.Combine(options.DataDirectory, "commitlog"),
            SyncMode = options.CommitLogSync,
            PeriodicSyncInterval = options.CommitLogPeriodicSyncInterval,
            GroupCommitWindow = options.CommitLogGroupWindow,
            SegmentSizeBytes = options.CommitLogSegmentSizeBytes,
            SkipCorruptEntries = options.SkipCorruptCommitLogEntries,
            FileSystem = options.CommitLogOnFileSystem ? fs : null,
            InlineSync = options.RunInline,
        }, loggerFactory.CreateLogger<CommitLog.CommitLog>(), time);

        var engine = new StorageEngine(options, fs, loggerFactory, time, commitLog);
        try
        {
            foreach (var t in tables) engine.AddTable(t, createdNow: false);
            engine.ReplayCommitLog();
            engine.StartPendingIndexBuilds();
            return engine;
        }
        catch
        {
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public IReadOnlyCollection<TableSchema> Tables => _tables.Values.Select(t => t.Schema).ToArray();

    /// <summary>Adds a table (idempotent for the same name); opens any SSTables it already has on disk.</summary>
    public void CreateTable(TableSchema schema) => AddTable(schema, createdNow: true);

    /// <param name="createdNow">
    /// The table is created while the engine runs (CREATE TABLE), not opened with the engine. A new table then gets a
    /// replay floor at the commit log's tail before it takes any write: the log names tables by keyspace and name, so
    /// after DROP and CREATE of the same name a crash would otherwise replay the dropped table's unflushed writes into
    /// the new one and bring dropped rows back.
    /// </param>
    private void AddTable(TableSchema schema, bool createdNow)
    {
        if (_tables.TryGetValue(schema.FullName, out var existing))
        {
            existing.UpdateSchema(schema);
            SyncIndexes(schema);
            return;
        }
        string dir = TableDirectory(schema);
        _fs.CreateDirectory(dir);
        foreach (long retired in Compaction.CompactionTransactionLog.FinishLeftovers(_fs, dir))
            _logger.LogWarning("Removed SSTable generation {Generation} of {Table}: a compaction had replaced it before the last shutdown",
                retired, schema.FullName);
        var generations = SSTableDirectory.CleanupAndListGenerations(_fs, dir, _logger);
        var truncation = TruncationRecord.Load(_fs, dir);
        var readers = new List<SSTableReader>();
        foreach (long g in generations)
        {
            var reader = SSTableReader.Open(_fs, dir, g);
            if (g >= truncation.GenerationFloor)
            {
                readers.Add(reader);
                continue;
            }
            // Truncated before a crash let the old files be deleted: finish the job.
            reader.MarkObsolete();
            reader.Dispose();
        }
        long next = generations.Count == 0 ? 1 : generations.Max() + 1;
        var floor = ReplayFloorRecord.Load(_fs, dir);
        if (createdNow && floor is null && generations.Count == 0)
        {
            floor = new ReplayFloorRecord(_commitLog.LogId, _commitLog.TailPosition);
            floor.Save(_fs, dir);
        }
        var store = new TableStore(schema, dir, _fs, _options, _loggerFactory.CreateLogger<TableStore>(), readers, next, _limits.Memory)
        {
            TruncatedLogPosition = truncation.LogPosition,
            TruncatedGenerationFloor = truncation.GenerationFloor,
            SSTableReadFailed = e => ReportDiskFailure("SSTable read", e),
            Flushed = _compaction.ObserveBacklog,
            ReplayFloorSource = (_commitLog.LogId, LogTailForFloors),
            ReplayFloor = floor is not null && floor.LogId == _commitLog.LogId ? floor.LogPosition : long.MinValue,
            ChunkCache = _chunkCache,
        };
        if (!_tables.TryAdd(schema.FullName, store)) store.Dispose();
        SyncIndexes(schema);
    }

    /// <summary>
    /// TRUNCATE: drops every row of the table on this node (memtables and SSTables), durably: a restart replays
    /// none of the truncated commit-log entries. Writes after it completes are kept.
    /// </summary>
    public async Task TruncateAsync(string table, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var store = GetTable(table);
        if (_options.AutoSnapshot) await AutoSnapshotAsync(store, Snapshots.SnapshotTag.Truncated(_time.GetUtcNow(), store.Schema.Name), ct).ConfigureAwait(false);
        await store.TruncateAsync(() => _commitLog.TailPosition, ct).ConfigureAwait(false);
        await TruncateIndexesAsync(table, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Forgets a table at once (reads and writes of it fail from now on) and deletes its files; with AutoSnapshot, only
    /// after its automatic snapshot, which runs in the background (a flush can take seconds, and the node applies schema
    /// changes synchronously): <see cref="DroppedTablesRetired"/> completes when that is done.
    /// </summary>
    public void DropTable(string fullName)
    {
        if (!_tables.TryRemove(fullName, out var store)) throw new UnknownTableException(fullName);
        DropIndexesOf(fullName);
        if (!_options.AutoSnapshot)
        {
            Retire(store);
            return;
        }
        lock (_dropping) _dropping.Add(Task.Run(async () =>
        {
            try
            {
                await AutoSnapshotBeforeDropAsync(store).ConfigureAwait(false);
            }
            finally
            {
                Retire(store);
            }
        }));
    }

    private readonly List<Task> _dropping = [];

    /// <summary>Completes once every table dropped so far has its automatic snapshot and its files deleted.</summary>
    public Task DroppedTablesRetired
    {
        get
        {
            lock (_dropping) return Task.WhenAll(_dropping);
        }
    }

    private void Retire(TableStore store)
    {
        _compaction.Bandwidth.Forget(store.Directory);
        foreach (var sst in store.View.SSTables) sst.MarkObsolete();
        store.Dispose();
    }

    private string TableDirectory(TableSchema schema) =>
        Path.Combine(_options.DataDirectory, "data", schema.Keyspace, $"{schema.Name}-{schema.Id:N}");

    /// <summary>The node's chunk cache and the SSTables now in <paramref name="table"/>'s view (tests check the cache holds only theirs).</summary>
    internal (SSTables.ChunkCache? Cache, System.Collections.Immutable.ImmutableArray<SSTables.SSTableReader> SSTables) ChunkCacheAndSSTables(string table) =>
        (_chunkCache, GetTable(table).View.SSTables);

    private TableStore GetTable(string name) =>
        _tables.TryGetValue(name, out var t) ? t : throw new UnknownTableException(name);

    /// <summary>Largest encoded partition update (DataSerializer) one commit-log entry holds, so the largest write this engine accepts.</summary>
    public int MaxMutationBytes => _commitLog.MaxPayloadBytes;

    /// <summary>A table's memtable flush threshold on this engine, after <see cref="StorageEngineOptions.FlushStaggerFraction"/>.</summary>
    public long MemtableFlushThresholdBytes => _options.MemtableFlushThresholdBytes;

    /// <summary>The engine's commit log (tests check it runs on the engine's clock).</summary>
    internal CommitLog.CommitLog CommitLogForTests => _commitLog;

    private int NowSeconds => (int)_time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// Applies a mutation of one partition. Returns once it is in the commit log (and, with group
    /// sync, fsynced) and in the memtable. Invalid input throws before anything is written.
    /// </summary>
    // Pooled state machine: a write that waits for its group commit (or for flush capacity) suspends, and the default
    // builder boxed a new state machine for each such write (issue 20). Callers await the ValueTask once.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ApplyAsync(PartitionUpdate update, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long started = _time.GetTimestamp();
        var table = GetTable(update.Table);
        MutationValidator.Validate(table.Schema, update, _options.MaxValueSizeBytes);

        // The payload is encoded once: the commit log copies it, and the memtable keeps its rows' bytes.
        var payload = BinaryWriterBufferPool.Shared.Rent();
        int rowCount = update.Rows.Count;
        int[] rowBounds = ArrayPool<int>.Shared.Rent(rowCount + 1);
        try
        {
            DataSerializer.WritePartitionUpdate(payload, update, rowBounds.AsSpan(0, rowCount + 1));
            await WriteAsync(table, new EncodedWrite(payload.WrittenMemory, rowBounds, rowCount, update.PartitionKey,
                update.PartitionDeletion, update.RangeTombstones, update), started, ct).ConfigureAwait(false);
        }
        finally
        {
            // After the append completed (or failed) and the memtable copied what it keeps: nothing refers to these.
            ArrayPool<int>.Shared.Return(rowBounds);
            BinaryWriterBufferPool.Shared.Return(payload);
        }
    }

    /// <summary>
    /// Applies a mutation of one partition that arrives encoded as the commit log stores it
    /// (<see cref="DataSerializer.WritePartitionUpdate(BinaryWriterBuffer, PartitionUpdate)"/>: what a coordinator's
    /// Mutation message carries), without decoding its rows to objects: the bytes are checked (structure, then the
    /// same validation as <see cref="ApplyAsync(PartitionUpdate, CancellationToken)"/>), appended to the commit log
    /// unchanged, and the rows' bytes copied into the memtable. Same semantics as applying the decoded update.
    /// <paramref name="update"/> must stay unchanged until the returned task completes; nothing keeps it after.
    /// </summary>
    /// <returns>The table written and the partition key (a copy): what the caller's top-partition sketch counts.</returns>
    /// <exception cref="FormatException">The bytes are not a whole encoded partition update (nothing is applied).</exception>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AppliedMutation> ApplyEncodedAsync(ReadOnlyMemory<byte> update, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long started = _time.GetTimestamp();
        var write = ReadEncoded(update, out var table);
        try
        {
            await WriteAsync(table, write, started, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(write.RowBounds);
        }
        return new AppliedMutation(table.FullName, write.PartitionKey);
    }

    /// <summary>Parses and validates an encoded update (see <see cref="ApplyEncodedAsync"/>); the row bounds it returns are rented.</summary>
    private EncodedWrite ReadEncoded(ReadOnlyMemory<byte> update, out TableStore table)
    {
        var data = update.Span;
        EncodedPartitionUpdate layout;
        try
        {
            layout = EncodedPartitionUpdate.ReadHeader(data);
        }
        catch (FormatException e)
        {
            throw new FormatException($"Malformed encoded mutation ({data.Length} bytes): {e.Message}", e);
        }
        table = FindTable(data[layout.Table]);
        int[] rowBounds = ArrayPool<int>.Shared.Rent(layout.RowCount + 1);
        try
        {
            RangeTombstone[] tombstones;
            try
            {
                layout.FindRowBounds(data, rowBounds);
                tombstones = layout.ReadRangeTombstones(data);
            }
            catch (FormatException e)
            {
                throw new FormatException($"Malformed encoded mutation of {table.Schema.FullName}: {e.Message}", e);
            }
            MutationValidator.Validate(table.Schema, data, layout, rowBounds, tombstones, _options.MaxValueSizeBytes);
            return new EncodedWrite(update, rowBounds, layout.RowCount, data[layout.PartitionKey].ToArray(),
                layout.PartitionDeletion, tombstones, Objects: null);
        }
        catch
        {
            ArrayPool<int>.Shared.Return(rowBounds);
            throw;
        }
    }

    /// <summary>A table by its name's UTF-8 bytes, without making a string of them (one per replica write otherwise).</summary>
    private TableStore FindTable(ReadOnlySpan<byte> utf8Name)
    {
        const int StackChars = 256;
        if (utf8Name.Length <= StackChars)
        {
            Span<char> chars = stackalloc char[StackChars];
            int n = System.Text.Encoding.UTF8.GetChars(utf8Name, chars);
            if (_tableByName.TryGetValue(chars[..n], out var found)) return found;
        }
        return GetTable(System.Text.Encoding.UTF8.GetString(utf8Name)); // a long name, or an unknown table's error
    }

    /// <summary>
    /// A write past validation, whichever way it arrived: its encoding (the commit-log entry), where its rows lie in it,
    /// and its parts; <see cref="EncodedWrite.Objects"/> is the decoded update when the caller had one.
    /// </summary>
    private readonly record struct EncodedWrite(ReadOnlyMemory<byte> Payload, int[] RowBounds, int RowCount, byte[] PartitionKey,
        DeletionTime PartitionDeletion, IReadOnlyList<RangeTombstone> RangeTombstones, PartitionUpdate? Objects);

    /// <summary>The write path shared by both entry points: back-pressure, commit log, memtable, index entries.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAsync(TableStore table, EncodedWrite write, long started, CancellationToken ct)
    {
        await WaitForFlushCapacity(table, ct).ConfigureAwait(false);
        await _limits.WaitForRoomAsync(_makeRoom, ct).ConfigureAwait(false);
        // Coordinators check MaxMutationBytes first; this keeps a direct caller's oversize write an input error.
        if (write.Payload.Length > _commitLog.MaxPayloadBytes)
            throw new Core.Errors.ValueTooLargeException("(mutation)", write.Payload.Length, _commitLog.MaxPayloadBytes,
                $"Mutation of {table.Schema.FullName} is {write.Payload.Length} bytes encoded, over the commit log's {_commitLog.MaxPayloadBytes}-byte entry limit.");
        // Index entries are built from objects: an update that arrived as bytes is decoded only for an indexed table.
        var objects = write.Objects ?? (_indexes.ContainsKey(table.FullName) ? DataSerializer.ReadPartitionUpdate(write.Payload.Span) : null);
        long logTail = _commitLog.TailPosition;
        var memtable = table.BeginWrite(logTail);
        var indexWrites = objects is null ? null : BeginIndexWrites(objects, logTail);
        try
        {
            try
            {
                await _commitLog.AppendAsync(write.Payload, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException and not ArgumentException)
            {
                ReportDiskFailure("commit log", e);
                throw;
            }
            memtable.Apply(write.PartitionKey, write.PartitionDeletion, write.RangeTombstones,
                new EncodedRows(write.Payload.Span, write.RowBounds.AsSpan(0, write.RowCount + 1)));
            ApplyIndexWrites(indexWrites);
        }
        finally
        {
            memtable.EndWrite();
            EndIndexWrites(indexWrites);
        }
        if (memtable.EstimatedSizeBytes >= _options.MemtableFlushThresholdBytes && table.SwitchMemtable(force: false))
            _flushWake.Release();
        else if (_limits.ShouldPlan)
            RequestFlushPlan();
        table.Metrics.RecordWrite((long)_time.GetElapsedTime(started).TotalMicroseconds);
    }

    private async ValueTask WaitForFlushCapacity(TableStore table, CancellationToken ct)
    {
        // Back-pressure: a burst that outruns flushing waits instead of filling memory. Writers wake when a
        // flush finishes (they used to poll every 2 ms, which rounded up to the timer tick).
        while (true)
        {
            var progress = table.FlushProgress;
            if (table.View.Flushing.Length < _options.MaxFlushingMemtablesPerTable) return;
            if (!_options.BackgroundCompaction) await FlushAsync(table.Schema.FullName).ConfigureAwait(false);
            else await progress.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a partition slice; see <see cref="SliceQuery"/> for bounds, order, limit and paging.</summary>
    public SliceResult Read(SliceQuery query)
    {
        long started = _time.GetTimestamp();
        var table = GetTable(query.Table);
        var acquired = new List<SSTableReader>();
        try
        {
            var merged = table.ReadPartition(query.PartitionKey, query.EffectiveSlices(), query.Reversed, acquired, fillCache: true);
            var rows = new List<Row>();
            byte[]? paging = null;
            if (merged is not null)
            {
                foreach (var row in LiveRows.Filter(merged.Rows, NowSeconds))
                {
                    if (rows.Count == query.Limit)
                    {
                        paging = rows[^1].Clustering;
                        break;
                    }
                    rows.Add(row);
                }
            }
            return new SliceResult(rows, paging);
        }
        finally
        {
            foreach (var sst in acquired) sst.Release();
            table.Metrics.RecordRead((long)_time.GetElapsedTime(started).TotalMicroseconds);
        }
    }

    /// <summary>
    /// A partition slice as a replica sends it to a coordinator: merged, with the partition deletion, range
    /// tombstones and tombstoned or expired rows kept (the coordinator's merge and read repair need them), and
    /// cut after <see cref="SliceQuery.Limit"/> live rows. Null when no source has the partition.
    /// Stops with <see cref="Core.Errors.TombstoneOverwhelmingException"/> once more than
    /// <paramref name="maxTombstones"/> tombstones were scanned (the tombstone failure guardrail).
    /// <paramref name="fillCache"/> false: a read that must not fill the chunk cache (repair fetching rows) reads around it.
    /// </summary>
    public MergedPartitionData? ReadUnfiltered(SliceQuery query, long maxTombstones = long.MaxValue, bool fillCache = true) =>
        ReadUnfiltered(query, long.MaxValue, out _, maxTombstones, fillCache: fillCache);

    /// <summary>
    /// The same, also cut when the next row would take the rows past <paramref name="maxBytes"/> encoded bytes (always
    /// at least one row, so a read progresses); <paramref name="truncated"/> then says the reply stopped for bytes
    /// before the limit, and the next page continues after its last row. A fired <paramref name="ct"/> stops the read
    /// with <see cref="OperationCanceledException"/> within <see cref="ReadProgress.CheckInterval"/> source rows (an
    /// expired replica request; the slices of a multi-value IN are one pass, checked the same way).
    /// </summary>
    public MergedPartitionData? ReadUnfiltered(SliceQuery query, long maxBytes, out bool truncated, long maxTombstones = long.MaxValue,
        CancellationToken ct = default, bool fillCache = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        truncated = false;
        long started = _time.GetTimestamp();
        var table = GetTable(query.Table);
        var acquired = new List<SSTableReader>();
        var progress = new ReadProgress(ct, table.Metrics.RecordPartitionRowsRead);
        try
        {
            var merged = table.ReadPartition(query.PartitionKey, query.EffectiveSlices(), query.Reversed, acquired, progress, fillCache);
            if (merged is null) return null;
            var rows = new List<Row>();
            int live = 0;
            long tombstones = merged.RangeTombstones.Count + (merged.PartitionDeletion.IsLive ? 0 : 1);
            int now = NowSeconds;
            long bytes = 0;
            var scratch = maxBytes == long.MaxValue ? null : new BinaryWriterBuffer(1024);
            foreach (var row in merged.Rows)
            {
                if (live == query.Limit) break;
                if (scratch is not null)
                {
                    scratch.Clear();
                    DataSerializer.WriteRow(scratch, row);
                    if (rows.Count > 0 && bytes + scratch.Length > maxBytes)
                    {
                        truncated = true;
                        break;
                    }
                    bytes += scratch.Length;
                }
                rows.Add(row);
                if (LiveRows.Visible(row, now) is not null) live++;
                else if (++tombstones > maxTombstones)
                {
                    table.Metrics.RecordTombstones(tombstones);
                    throw new Core.Errors.TombstoneOverwhelmingException(query.Table, Convert.ToHexString(query.PartitionKey), tombstones, maxTombstones);
                }
            }
            table.Metrics.RecordTombstones(tombstones);
            return new MergedPartitionData(merged.Key, merged.Token, merged.PartitionDeletion, merged.RangeTombstones, rows);
        }
        finally
        {
            progress.Flush();
            foreach (var sst in acquired) sst.Release();
            table.Metrics.RecordRead((long)_time.GetElapsedTime(started).TotalMicroseconds);
        }
    }

    /// <summary>
    /// Adds an SSTable written by an import or received whole to the live set; when it cannot be added (the table was
    /// truncated meanwhile) or adding throws, its files are deleted. No waiting for a running compaction: one that
    /// purged anything while this lands is discarded instead (TableStore.ImportEpoch).
    /// </summary>
    private static async Task<bool> InstallOrDiscardAsync(TableStore store, SSTableReader reader, CancellationToken ct)
    {
        bool installed = false;
        try
        {
            installed = await store.TryInstallImportedAsync(reader, ct).ConfigureAwait(false);
            return installed;
        }
        finally
        {
            if (!installed)
            {
                reader.MarkObsolete();
                reader.Dispose();
            }
        }
    }

    /// <summary>The live counters of one table (tests and diagnostics read them directly).</summary>
    public TableMetrics MetricsOf(string table) => GetTable(table).Metrics;

    /// <summary>One row by its full clustering key, or null.</summary>
    public Row? ReadRow(string table, byte[] partitionKey, byte[] clustering) =>
        Read(new SliceQuery(table, partitionKey, ClusteringSlice.Exactly(clustering), Limit: 1)).Rows.FirstOrDefault();

    /// <summary>
    /// Every partition with start &lt; token &lt;= end, merged, tombstones included (for streaming and
    /// repair). A range whose start is not below its end wraps around the ring.
    /// </summary>
    public IReadOnlyList<MergedPartitionData> ReadTokenRange(string tableName, Token startExclusive, Token endInclusive)
    {
        var table = GetTable(tableName);
        var result = new List<MergedPartitionData>();
        var pieces = startExclusive < endInclusive
            ? new[] { (startExclusive, endInclusive) }
            : new[] { (startExclusive, Token.Maximum), (Token.Minimum, endInclusive) };
        foreach (var (s, e) in pieces)
        {
            var acquired = new List<SSTableReader>();
            try
            {
                foreach (var p in table.ScanTokenRange(s, e, acquired))
                    result.Add(new MergedPartitionData(p.Key, p.Token, p.PartitionDeletion, p.RangeTombstones, p.Rows.ToArray()));
            }
            finally
            {
                foreach (var sst in acquired) sst.Release();
            }
        }
        return result;
    }

    /// <summary>
    /// A bounded page of <see cref="ReadTokenRange"/> (same partitions, same order, same tombstones) starting after
    /// <paramref name="after"/> and ending at <paramref name="endInclusive"/> (never wrapping): partitions and rows
    /// stream from the memtables and SSTables through the merge and stop at <paramref name="maxRows"/> rows or
    /// <paramref name="maxBytes"/> encoded bytes (see <see cref="BoundedRangePager"/>), so neither a range nor a wide
    /// partition is ever held whole; a page may end inside a partition. <see cref="TokenRangePage.Resume"/> is null when
    /// the range is done; else it is the next page's <paramref name="after"/>. A position inside a partition resumes
    /// that partition with a clustering slice (the row index finds the row; earlier rows are not read again).
    /// Used by range-read replicas and by streaming.
    /// </summary>
    /// <remarks><paramref name="excludeGenerations"/>: SSTables the receiver got whole (entire-SSTable streaming) are not
    /// sent again as rows. (A page resumed inside a partition reads that partition from every SSTable: rows of an
    /// excluded one may then come again, which the receiver's merge makes harmless.)</remarks>
    /// <remarks>A fired <paramref name="ct"/> stops the page with <see cref="OperationCanceledException"/>, checked at each
    /// partition and every <see cref="ReadProgress.CheckInterval"/> rows (an expired replica request).</remarks>
    /// <remarks><paramref name="perPartition"/>: each partition (each piece of one, when the page resumes inside it) stops after
    /// that many live rows and the rest of it is not read (PER PARTITION LIMIT pushed down, see <see cref="PartitionRowLimit"/>).</remarks>
    public TokenRangePage ReadTokenRangePage(string table, RangePosition after, Token endInclusive, int maxRows, long maxBytes,
        IReadOnlySet<long>? excludeGenerations = null, CancellationToken ct = default, PartitionRowLimit? perPartition = null)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (after.Key is null ? after.Token >= endInclusive : after.Token > endInclusive)
            throw new ArgumentException($"range ({after}, {endInclusive.Value}] is empty or wraps", nameof(after));
        var store = GetTable(table);
        var pager = new BoundedRangePager(maxRows, maxBytes);
        var acquired = new List<SSTableReader>();
        var progress = new ReadProgress(ct, store.Metrics.RecordRowsRead);
        try
        {
            if (after.Key is not null && after.Clustering is not null)
            {
                var rest = new ClusteringSlice(new ClusteringBound(after.Clustering, Inclusive: false), ClusteringBound.Unbounded);
                var partial = store.ReadPartition(after.Key, [rest], reversed: false, acquired);
                if (partial is not null && !pager.TryAdd(Counted(partial))) return pager.Finish();
            }
            // A partition position starts the scan at its token; the partitions up to it are skipped by header.
            var from = after.Key is null || after.Token.Value == long.MinValue ? after.Token : new Token(after.Token.Value - 1);
            // Leaving the loop early disposes the merged scan (and every SSTable and memtable stream under it).
            foreach (var p in store.ScanTokenRange(from, endInclusive, acquired, excludeGenerations))
            {
                progress.Check();
                if (after.Key is not null && after.ComparePartition(p.Token, p.Key) <= 0) continue;
                if (!pager.TryAdd(Counted(p))) break;
            }
            return pager.Finish();
        }
        finally
        {
            foreach (var sst in acquired) sst.Release();
            progress.Flush();
        }

        MergedPartition Counted(MergedPartition p) => p with { Rows = perPartition is null ? progress.Observe(p.Rows) : perPartition.Apply(progress.Observe(p.Rows)) };
    }

    /// <summary>
    /// Adds streamed partitions (sorted by token, then key, as <see cref="ReadTokenRangePage"/> returns them; else
    /// <see cref="ArgumentException"/> before anything is written) to the table as one new SSTable, without the commit
    /// log: written and made durable like a flush's, re-opened and checksum-verified, then swapped into the view in one
    /// step, so readers see all of it or none of it. Existing data of the table merges with it by the merge rule.
    /// An empty list does nothing. Failure or cancellation leaves no files behind.
    /// <para>TRUNCATE: an import that completes after a TRUNCATE started writing nothing visible (the truncate wins, as
    /// for a write racing with it; the result then reports 0 partitions): its generation was allocated before the
    /// truncate's floor, so a restart would delete it anyway. An import that starts after the truncate is kept, also
    /// across restarts (its generation is above the floor). The import waits for a running compaction before it
    /// installs: a compaction chooses which tombstones to purge from the SSTables that exist when it starts.</para>
    /// </summary>
    public async Task<StreamImportResult> ImportAsync(string table, IReadOnlyList<MergedPartitionData> partitions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var store = GetTable(table);
        SSTableImporter.Validate(store.Schema, partitions);
        if (partitions.Count == 0) return new StreamImportResult(0, 0, 0);
        ct.ThrowIfCancellationRequested();

        long generation = store.AllocateGeneration();
        var writerOptions = new SSTableWriterOptions
        {
            BloomFilterFpChance = store.Schema.Options.BloomFilterFpChance,
            Compression = store.Schema.Options.Compression,
            BlockSizeBytes = _options.SSTableBlockSizeBytes,
            ExpectedPartitions = partitions.Count,
            IndexSummaryInterval = _options.IndexSummaryInterval,
            RowIndexIntervalBytes = _options.RowIndexIntervalBytes,
        };
        var reader = await DedicatedThread.Run(
            () => SSTableImporter.Write(_fs, store.Directory, generation, writerOptions, partitions, ct), _options.RunInline, ct).ConfigureAwait(false);
        if (!await InstallOrDiscardAsync(store, reader, ct).ConfigureAwait(false))
        {
            _logger.LogWarning("Dropped imported SSTable generation {Generation} of {Table}: the table was truncated while it was written",
                generation, table);
            return new StreamImportResult(0, 0, 0);
        }
        _logger.LogInformation("Imported {Partitions} partitions into {Table} as SSTable generation {Generation} ({Bytes} bytes)",
            partitions.Count, table, generation, reader.SizeOnDiskBytes);
        _compactionWake.Release();
        await IndexStreamedAsync(table, partitions, ct).ConfigureAwait(false);
        return new StreamImportResult(reader.SizeOnDiskBytes, partitions.Count, checked((int)generation));
    }

    /// <summary>
    /// Cleanup (nodetool cleanup): flushes the table, then rewrites through the compaction path every SSTable holding a
    /// partition whose token <paramref name="keep"/> rejects, without those partitions (the old file is retired with a
    /// compaction transaction log, so a restart never brings them back); SSTables holding only kept partitions are not
    /// touched. Safe alongside writes, reads, flushes and compactions: it holds the compaction lock while it runs, as a
    /// major compaction does. Data written after it started may still hold rejected partitions.
    /// </summary>
    public async Task<CleanupResult> CleanupAsync(string table, Func<Token, bool> keep, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keep);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var store = GetTable(table);
        store.SwitchMemtable(force: true);
        await store.FlushSealedAsync(ct).ConfigureAwait(false);
        ReleaseCommitLog();
        var result = await _compaction.CleanupAsync(store, keep, ct).ConfigureAwait(false);
        _logger.LogInformation("Cleanup of {Table}: {Rewritten} SSTables rewritten, {Dropped} partitions dropped, {Before} -> {After} bytes",
            table, result.SSTablesRewritten, result.PartitionsDropped, result.BytesBefore, result.BytesAfter);
        return result;
    }

    /// <summary>Switches and flushes the memtables of one table (or all), then releases commit-log space.</summary>
    public async Task FlushAsync(string? table = null)
    {
        foreach (var t in Selected(table))
        {
            t.SwitchMemtable(force: true);
            await t.FlushSealedAsync().ConfigureAwait(false);
        }
        ReleaseCommitLog();
    }

    /// <summary>Major compaction: merges all SSTables of a table (or every table) into one.</summary>
    public async Task CompactAsync(string? table = null)
    {
        foreach (var t in Selected(table))
            await _compaction.CompactAllAsync(t).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks every block of every component of every live SSTable of one table (or every table) against its checksum,
    /// as the files are on disk now (nodetool verify). A bad Data or Index block marks its SSTable unreadable, as a
    /// read hitting it would. Runs on a dedicated thread; reads and writes go on meanwhile.
    /// </summary>
    public async Task<VerifyReport> VerifyAsync(string? table = null, CancellationToken ct = default)
    {
        var findings = new List<VerifyFinding>();
        int checkedCount = 0;
        foreach (var t in Selected(table))
        {
            var acquired = new List<SSTableReader>();
            foreach (var sst in t.View.SSTables)
                if (sst.TryAcquire()) acquired.Add(sst);
            try
            {
                foreach (var sst in acquired)
                {
                    ct.ThrowIfCancellationRequested();
                    var errors = await DedicatedThread.Run(sst.Verify, ct).ConfigureAwait(false);
                    checkedCount++;
                    foreach (var e in errors) findings.Add(new VerifyFinding(t.Schema.FullName, e.File, e.Component, e.Block, e.Error));
                }
            }
            finally
            {
                foreach (var sst in acquired) sst.Release();
            }
        }
        if (findings.Count > 0)
            _logger.LogError("Verify found {Count} problems in {Files} files", findings.Count, findings.Select(f => f.File).Distinct(StringComparer.Ordinal).Count());
        return new VerifyReport(checkedCount, findings);
    }

    /// <summary>
    /// Scrub (nodetool scrub) of one table (or every table): each SSTable marked unreadable or that verify finds damaged
    /// (every SSTable with <paramref name="all"/>) is rewritten from its readable partitions and rows and swapped in as
    /// a compaction is (see <see cref="CompactionRunner.ScrubAsync"/>); one result per table says what was kept and lost.
    /// </summary>
    public async Task<IReadOnlyList<ScrubResult>> ScrubAsync(string? table = null, bool all = false, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var results = new List<ScrubResult>();
        foreach (var t in Selected(table))
            results.Add(await _compaction.ScrubAsync(t, all, ct).ConfigureAwait(false));
        return results;
    }

    /// <summary>
    /// One round of what the background loops do, on the caller (for <see cref="StorageEngineOptions.RunInline"/>,
    /// where no loop runs; harmless otherwise): in periodic mode sync the commit log (the sync timer's tick), switch
    /// what the memory and commit-log limits ask for, flush every sealed memtable, release the commit log they
    /// covered, then run the compactions the strategies ask for until none is pending.
    /// </summary>
    public async Task RunBackgroundStepsAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_options.RunInline && _options.CommitLogSync == CommitLogSyncMode.Periodic)
            await _commitLog.FlushAsync().ConfigureAwait(false);
        await FlushStepAsync(ct).ConfigureAwait(false);
        await CompactionStepAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs the compactions the strategies ask for until none is pending.</summary>
    public async Task RunPendingCompactionsAsync()
    {
        foreach (var t in _tables.Values)
            while (await _compaction.RunOneAsync(t).ConfigureAwait(false)) { }
    }

    /// <summary>Runs the one compaction the table's strategy asks for next, if any; returns whether one ran.</summary>
    public Task<bool> RunOneCompactionAsync(string table) => _compaction.RunOneAsync(GetTable(table));

    private IEnumerable<TableStore> Selected(string? table) => table is null ? _tables.Values.ToArray() : [GetTable(table)];

    public StorageStats GetStats()
    {
        var tables = _tables.Values.Select(t =>
        {
            var v = t.View;
            return new TableStats(
                t.Schema.FullName,
                v.Active.EstimatedSizeBytes + v.Flushing.Sum(m => m.EstimatedSizeBytes),
                v.Flushing.Length,
                v.SSTables.Length,
                v.SSTables.Sum(s => s.SizeOnDiskBytes),
                v.SSTables.Sum(s => s.Statistics.PartitionCount),
                _compaction.PendingCompactions(t),
                t.Metrics.Reads, t.Metrics.Writes, t.Metrics.Flushes, t.Metrics.Compactions,
                t.Metrics.ReadLatency, t.Metrics.WriteLatency, t.Metrics.TombstonesScanned)
            {
                LargePartitionsCompacted = t.Metrics.LargePartitionsCompacted,
                ExpiredSSTablesDropped = t.Metrics.ExpiredSSTablesDropped,
                CompactionBacklogBytes = CompactionBacklog.For(t.Schema, v.SSTables.Where(s => !s.IsCorrupt)
                    .Select(s => new SSTableInfo(s.Generation, s.SizeOnDiskBytes, s.Statistics.MinTimestampMicros, s.Statistics.MaxTimestampMicros)).ToArray()),
            };
        }).OrderBy(s => s.Table, StringComparer.Ordinal).ToArray();
        return new StorageStats(tables)
        {
            MemtableBytes = _limits.Memory.Bytes,
            CommitLogBytes = _limits.LogBytes,
            ReplayedEntries = Interlocked.Read(ref _replayedEntries),
            ReplaySkippedFlushedEntries = Interlocked.Read(ref _replaySkippedFlushed),
            CompactionBytesPerSecond = _compaction.Bandwidth.LastBytesPerSecond,
            ChunkCache = _chunkCache is { } c ? new ChunkCacheStats(c.CapacityBytes, c.SizeBytes, c.Count, c.Hits, c.Misses, c.Evictions) : null,
        };
    }

    /// <summary>Frees commit-log entries that every table has flushed.</summary>
    private void ReleaseCommitLog()
    {
        if (Volatile.Read(ref _replayCursor) >= 0) return; // never cut the log under the replay
        // Read the tail first: a write that registers after this point appends at or after it.
        long release = _commitLog.TailPosition;
        foreach (var t in _tables.Values) release = Math.Min(release, t.LowestUnflushedLogPosition);
        long previous = Interlocked.Read(ref _releasedLogPosition);
        if (release > previous && Interlocked.CompareExchange(ref _releasedLogPosition, release, previous) == previous)
            _commitLog.ReleaseUpTo(release);
    }

    private long LogTailForFloors()
    {
        long cursor = Volatile.Read(ref _replayCursor);
        return cursor >= 0 ? cursor : _commitLog.TailPosition;
    }

    private void RequestFlushPlan()
    {
        if (Interlocked.Exchange(ref _planRequested, 1) == 0) _flushWake.Release();
    }

    /// <summary>Asked by a writer held back by the memtable budget.</summary>
    private async ValueTask MakeRoomAsync()
    {
        if (_options.BackgroundCompaction)
        {
            RequestFlushPlan();
            return;
        }
        SwitchForLimits();
        foreach (var t in _tables.Values)
            if (t.HasMemtablesToFlush) await t.FlushSealedAsync().ConfigureAwait(false);
        ReleaseCommitLog();
    }

    /// <summary>Switches the memtables the budget and the commit-log cap ask for (not during replay, which flushes by itself).</summary>
    private void SwitchForLimits()
    {
        Volatile.Write(ref _planRequested, 0);
        if (Volatile.Read(ref _replayCursor) >= 0 || !_limits.ShouldPlan) return;
        foreach (var t in _limits.Choose(_tables.Values.ToArray(), includeLog: true)) t.SwitchMemtable(force: true);
    }

    private void ReplayCommitLog()
    {
        int applied = 0, skipped = 0;
        foreach (var entry in _commitLog.Replay())
        {
            PartitionUpdate update;
            try
            {
                update = DataSerializer.ReadPartitionUpdate(entry.Payload);
            }
            catch (FormatException e)
            {
                if (!_options.SkipCorruptCommitLogEntries)
                    throw new CommitLogCorruptionException(Path.Combine(_options.DataDirectory, "commitlog"), entry.Position,
                        $"the entry passed its checksum but does not decode: {e.Message}");
                _logger.LogWarning("Skipping undecodable commit-log entry at {Position}: {Error}", entry.Position, e.Message);
                skipped++;
                continue;
            }
            if (!_tables.TryGetValue(update.Table, out var table) || entry.Position < table.TruncatedLogPosition)
            {
                skipped++;
                continue;
            }
            ReplayIntoIndexes(update, entry.Position); // before the base's floor: an index table flushes on its own
            if (entry.Position < table.ReplayFloor)
            {
                _replaySkippedFlushed++; // already in an SSTable
                continue;
            }
            var memtable = table.View.Active;
            memtable.NoteReplayedPosition(entry.Position);
            memtable.Apply(update);
            applied++;
            _replayedEntries = applied;
            // A long log must not fill memory either: flush as the write path would, the floor being this entry.
            // (Not for the commit-log cap: the log cannot be released before replay ends.)
            if (memtable.EstimatedSizeBytes >= _options.MemtableFlushThresholdBytes || _limits.OverMemoryMark)
            {
                Volatile.Write(ref _replayCursor, entry.Position + 1);
                var chosen = _limits.Choose(_tables.Values.ToArray(), includeLog: false).Append(table).Distinct().ToArray();
                foreach (var t in chosen) t.SwitchMemtable(force: true);
                foreach (var t in chosen) t.FlushSealedAsync().GetAwaiter().GetResult();
            }
        }
        Volatile.Write(ref _replayCursor, -1);
        if (applied + skipped > 0)
            _logger.LogInformation("Replayed {Applied} commit-log entries ({Skipped} for unknown tables or skipped)", applied, skipped);
    }

    /// <summary>Flushes every sealed memtable, releases the commit log they covered, and wakes compaction.</summary>
    private async Task FlushStepAsync(CancellationToken ct)
    {
        bool flushed = false;
        SwitchForLimits();
        foreach (var t in _tables.Values)
        {
            if (!t.HasMemtablesToFlush) continue;
            await t.FlushSealedAsync(ct).ConfigureAwait(false);
            flushed = true;
        }
        ReleaseCommitLog();
        if (flushed) _compactionWake.Release();
    }

    /// <summary>Runs compactions (one at a time) until no table has one to do.</summary>
    private async Task CompactionStepAsync(CancellationToken ct)
    {
        bool more = true;
        while (more && !ct.IsCancellationRequested)
        {
            more = false;
            foreach (var t in _tables.Values)
                if (!ct.IsCancellationRequested && await _compaction.RunOneAsync(t, ct).ConfigureAwait(false)) more = true;
        }
    }

    /// <summary>
    /// Raised (on the failing thread) when the disk fails the engine: a commit-log append or sync, a flush or a
    /// compaction hit an I/O error, a full disk or a read-only file system; or an SSTable became unreadable on a read
    /// ("SSTable read": the error is the I/O error, or a <see cref="CorruptSSTableException"/> for a checksum mismatch;
    /// the SSTable is already marked unreadable either way). The node applies its disk failure policy.
    /// </summary>
    public event Action<DiskFailure>? DiskFailed;

    private void ReportDiskFailure(string where, Exception error)
    {
        try
        {
            DiskFailed?.Invoke(new DiskFailure(where, error));
        }
#pragma warning disable CA1031 // the policy handler's own failure must not hide the disk failure from the caller
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogError(e, "Disk failure handler failed");
        }
    }

    /// <summary>Runs <paramref name="step"/> when woken (or every second) until the engine stops.</summary>
    private async Task BackgroundLoop(SemaphoreSlim wake, Func<CancellationToken, Task> step, string what)
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Woken, or polled once an interval on the engine's clock (SemaphoreSlim's own timeout is wall time).
                await wake.WaitOnClockAsync(BackgroundPollInterval, _time, ct).ConfigureAwait(false);
                await step(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A flush or compaction failed (disk full, I/O error): data stays in memtables and the
                // commit log, or in the input SSTables; try again later rather than crash the node.
                _logger.LogError(e, "Background {What} failed; will retry", what);
                if (e is IOException or UnauthorizedAccessException) ReportDiskFailure(what, e);
                try { await Task.Delay(BackgroundPollInterval, _time, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private static readonly TimeSpan BackgroundPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Stops the background flush and compaction loops and returns once both have ended (an attempt in progress is
    /// abandoned and deletes its temp files). The disk failure policy "stop" calls this: the node is out of service,
    /// and retrying a flush on a failed disk every second would only keep creating and deleting files on it.
    /// Reads, writes and explicit flushes still work; the commit log keeps covering the memtables.
    /// </summary>
    public async Task HaltBackgroundWorkAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(_flushing, _compacting).ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    /// <summary>True once <see cref="HaltBackgroundWorkAsync"/> (or disposal) has stopped the background loops.</summary>
    public bool BackgroundWorkHalted => _stop.IsCancellationRequested && _flushing.IsCompleted && _compacting.IsCompleted;

    /// <summary>Stops background work and closes files. Memtables are not flushed here: the commit log covers them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await StopIndexBuildsAsync().ConfigureAwait(false);
        try { await DroppedTablesRetired.ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException) { }
        await HaltBackgroundWorkAsync().ConfigureAwait(false);
        if (_commitLog.HasOlderGenerations)
        {
            // A commit failed in this process: in periodic mode the old generation may hold acknowledged entries its
            // last good sync did not cover, so they are durable only in SSTables. Flush what pins it before closing.
            try
            {
                foreach (var t in _tables.Values)
                {
                    t.SwitchMemtable(force: true);
                    await t.FlushSealedAsync().ConfigureAwait(false);
                }
                ReleaseCommitLog();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(e, "Flushing before close after a commit-log failure failed; writes acknowledged since the failed sync may be lost");
            }
        }
        try
        {
            await _commitLog.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // The current generation failed a commit: nothing more can be synced; close the rest anyway.
            _logger.LogError(e, "Commit-log sync at close failed");
        }
        await _commitLog.DisposeAsync().ConfigureAwait(false);
        foreach (var t in _tables.Values) t.Dispose();
        _stop.Dispose();
        _flushWake.Dispose();
        _compactionWake.Dispose();
    }
}
