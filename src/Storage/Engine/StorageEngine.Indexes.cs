using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.Indexes;
using RingStore.Storage.Memtables;

namespace RingStore.Storage.Engine;

/// <summary>
/// Local secondary indexes (src/Storage/Indexes): each index of a table is a hidden table of this engine (its own
/// memtables, SSTables, flushes and compactions, listed in stats as "ks.t.index"), written in the same
/// <see cref="ApplyAsync"/> as the base row: the base mutation's single commit-log entry covers both, the index memtable
/// pins the log like the base one, and replay re-derives the entries, so after a crash the index holds exactly what
/// the base table does. Existing rows are indexed by a background build (<see cref="IndexStatus"/>), which writes
/// through the commit log and records completion in an <c>index-built</c> file once its entries are flushed.
/// </summary>
public sealed partial class StorageEngine
{
    private const string BuiltMarker = "index-built";

    /// <summary>One index on this node.</summary>
    private sealed class LocalIndex(IndexDefinition definition, string baseTable, int column, TableStore store)
    {
        public IndexDefinition Definition { get; } = definition;
        public string BaseTable { get; } = baseTable;
        public int Column { get; } = column;
        public TableStore Store { get; } = store;
        public CancellationTokenSource BuildCancel { get; } = new();
        public Task Build { get; set; } = Task.CompletedTask;
        public volatile bool Built;
        public long BuildToken = long.MinValue;
        public long RowsIndexed;
        public volatile string? BuildError;
    }

    private readonly ConcurrentDictionary<string, LocalIndex[]> _indexes = new(StringComparer.Ordinal);
    private readonly object _indexGate = new();
    private bool _indexBuildsMayStart;

    /// <summary>Creates the index tables <paramref name="schema"/> lists that this engine lacks and drops those it no longer lists.</summary>
    private void SyncIndexes(TableSchema schema)
    {
        lock (_indexGate)
        {
            var current = _indexes.TryGetValue(schema.FullName, out var have) ? have : [];
            var wanted = schema.Options.Indexes;
            var kept = new List<LocalIndex>();
            foreach (var index in current)
            {
                if (wanted.Any(w => w.Id == index.Definition.Id && w.Column == index.Definition.Column)) kept.Add(index);
                else RetireIndex(index);
            }
            foreach (var definition in wanted.Where(w => !kept.Any(k => k.Definition.Id == w.Id)))
            {
                var indexSchema = IndexTableSchema.For(schema, definition);
                CreateTable(indexSchema);
                var store = GetTable(indexSchema.FullName);
                var index = new LocalIndex(definition, schema.FullName, schema.RegularColumnIndex(definition.Column), store)
                {
                    Built = _fs.Exists(Path.Combine(store.Directory, BuiltMarker)),
                };
                kept.Add(index);
                if (!index.Built && _indexBuildsMayStart) StartBuild(index);
            }
            if (kept.Count == 0) _indexes.TryRemove(schema.FullName, out _);
            else _indexes[schema.FullName] = [.. kept];
        }
    }

    /// <summary>Drops every index of a dropped base table.</summary>
    private void DropIndexesOf(string baseTable)
    {
        lock (_indexGate)
        {
            if (_indexes.TryRemove(baseTable, out var indexes))
                foreach (var index in indexes) RetireIndex(index);
        }
    }

    private void RetireIndex(LocalIndex index)
    {
        index.BuildCancel.Cancel();
        if (!_tables.TryRemove(index.Store.Schema.FullName, out var store)) return;
        // After the build stopped writing to it: its files go (an index is rebuilt from the base table, never snapshotted).
        _ = index.Build.ContinueWith(_ =>
        {
            string marker = Path.Combine(store.Directory, BuiltMarker);
            if (_fs.Exists(marker)) _fs.Delete(marker);
            Retire(store);
        }, TaskScheduler.Default);
    }

    /// <summary>Called once replay is done: builds of unbuilt indexes may now read the base tables.</summary>
    private void StartPendingIndexBuilds()
    {
        lock (_indexGate)
        {
            _indexBuildsMayStart = true;
            foreach (var index in _indexes.Values.SelectMany(i => i).Where(i => !i.Built)) StartBuild(index);
        }
    }

    private void StartBuild(LocalIndex index) => index.Build = Task.Run(() => BuildAsync(index, index.BuildCancel.Token));

    /// <summary>
    /// Indexes every live row of the base table, in token order, page by page (bounded memory). Writes that arrive
    /// meanwhile are indexed by <see cref="ApplyAsync"/> already; a row the build reads in an older version only adds
    /// a stale entry, which reads filter. Done = the index table flushed, then the marker written, so a crash before
    /// the marker restarts the build and one after it finds every entry in SSTables.
    /// </summary>
    private async Task BuildAsync(LocalIndex index, CancellationToken ct)
    {
        try
        {
            var after = RangePosition.AfterToken(Token.Minimum);
            string indexTable = index.Store.Schema.FullName;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var page = ReadTokenRangePage(index.BaseTable, after, Token.Maximum, 1000, 4L << 20, ct: ct);
                int now = NowSeconds;
                foreach (var partition in page.Partitions)
                {
                    var live = LiveRows.Filter(partition.Rows, now).ToArray();
                    var update = new PartitionUpdate(index.BaseTable, partition.Key, DeletionTime.Live, [], live);
                    foreach (var entries in IndexEntries.For(update, index.Column, indexTable))
                    {
                        await ApplyIndexUpdateAsync(entries, ct).ConfigureAwait(false);
                        Interlocked.Add(ref index.RowsIndexed, entries.Rows.Count);
                    }
                    Volatile.Write(ref index.BuildToken, partition.Token.Value);
                }
                if (page.Resume is null) break;
                after = page.Resume;
            }
            await FlushAsync(indexTable).ConfigureAwait(false);
            AtomicFileWrite(Path.Combine(index.Store.Directory, BuiltMarker));
            Volatile.Write(ref index.BuildToken, long.MaxValue);
            index.Built = true;
            _logger.LogInformation("Built index {Index} of {Table}: {Rows} entries", index.Definition.Name, index.BaseTable, Interlocked.Read(ref index.RowsIndexed));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or UnknownTableException && ct.IsCancellationRequested)
        {
            // Dropped, or the engine is closing: the next open builds again (no marker).
        }
        catch (Exception e)
        {
            index.BuildError = e.Message;
            _logger.LogError(e, "Building index {Index} of {Table} failed; it stays unusable until the node restarts", index.Definition.Name, index.BaseTable);
        }
    }

    /// <summary>
    /// Streamed partitions (bootstrap, repair, the loader) bypass <see cref="ApplyAsync"/>: their live rows are indexed
    /// here once the SSTable is installed (entries through the commit log; one for an older version is only stale).
    /// </summary>
    private async Task IndexStreamedAsync(string table, IReadOnlyList<MergedPartitionData> partitions, CancellationToken ct)
    {
        if (!_indexes.TryGetValue(table, out var indexes)) return;
        int now = NowSeconds;
        foreach (var partition in partitions)
        {
            var update = new PartitionUpdate(table, partition.Key, DeletionTime.Live, [], LiveRows.Filter(partition.Rows, now).ToArray());
            foreach (var index in indexes)
                foreach (var entries in IndexEntries.For(update, index.Column, index.Store.Schema.FullName))
                    await ApplyIndexUpdateAsync(entries, ct).ConfigureAwait(false);
        }
    }

    /// <summary>An entire streamed SSTable: the rows of its token range are indexed again (merged with what was there).</summary>
    private async Task IndexRangeAsync(string table, Token startExclusive, Token endInclusive, CancellationToken ct)
    {
        if (!_indexes.ContainsKey(table)) return;
        if (startExclusive >= endInclusive)
        {
            // A range that wraps around the ring: its two halves.
            if (startExclusive < Token.Maximum) await IndexRangeAsync(table, startExclusive, Token.Maximum, ct).ConfigureAwait(false);
            if (endInclusive > Token.Minimum) await IndexRangeAsync(table, Token.Minimum, endInclusive, ct).ConfigureAwait(false);
            return;
        }
        RangePosition? after = RangePosition.AfterToken(startExclusive);
        while (after is not null)
        {
            var page = ReadTokenRangePage(table, after, endInclusive, 1000, 4L << 20, ct: ct);
            await IndexStreamedAsync(table, page.Partitions, ct).ConfigureAwait(false);
            after = page.Resume;
        }
    }

    private void AtomicFileWrite(string path) => IO.AtomicFile.Write(_fs, path, "built"u8);

    /// <summary>Writes entries of the build: through the commit log (replayed like any table's) into the index table.</summary>
    private ValueTask ApplyIndexUpdateAsync(PartitionUpdate entries, CancellationToken ct) => ApplyAsync(entries, ct);

    /// <summary>Before the base write's commit-log append: the index updates it implies, each index memtable registered at the same log position.</summary>
    private List<(TableStore Store, Memtable Memtable, PartitionUpdate Entries)>? BeginIndexWrites(PartitionUpdate update, long logTail)
    {
        if (!_indexes.TryGetValue(update.Table, out var indexes)) return null;
        List<(TableStore, Memtable, PartitionUpdate)>? writes = null;
        foreach (var index in indexes)
        {
            foreach (var entries in IndexEntries.For(update, index.Column, index.Store.Schema.FullName))
                (writes ??= []).Add((index.Store, index.Store.BeginWrite(logTail), entries));
        }
        return writes;
    }

    /// <summary>After the append: the entries into the index memtables (before the base write is acknowledged).</summary>
    private static void ApplyIndexWrites(List<(TableStore Store, Memtable Memtable, PartitionUpdate Entries)>? writes)
    {
        if (writes is null) return;
        foreach (var (_, memtable, entries) in writes) memtable.Apply(entries);
    }

    /// <summary>Ends the index writes and lets a full index memtable flush like a full base one.</summary>
    private void EndIndexWrites(List<(TableStore Store, Memtable Memtable, PartitionUpdate Entries)>? writes)
    {
        if (writes is null) return;
        foreach (var (store, memtable, _) in writes)
        {
            memtable.EndWrite();
            if (memtable.EstimatedSizeBytes >= _options.MemtableFlushThresholdBytes && store.SwitchMemtable(force: false)) _flushWake.Release();
        }
    }

    /// <summary>Replay of a base entry: the index entries it implies, into every index table not already flushed past it.</summary>
    private void ReplayIntoIndexes(PartitionUpdate update, long position)
    {
        if (!_indexes.TryGetValue(update.Table, out var indexes)) return;
        foreach (var index in indexes)
        {
            if (position < index.Store.ReplayFloor || position < index.Store.TruncatedLogPosition) continue;
            foreach (var entries in IndexEntries.For(update, index.Column, index.Store.Schema.FullName))
            {
                var memtable = index.Store.View.Active;
                memtable.NoteReplayedPosition(position);
                memtable.Apply(entries);
            }
        }
    }

    /// <summary>TRUNCATE of a base table empties its indexes too.</summary>
    private async Task TruncateIndexesAsync(string baseTable, CancellationToken ct)
    {
        if (!_indexes.TryGetValue(baseTable, out var indexes)) return;
        foreach (var index in indexes) await index.Store.TruncateAsync(() => _commitLog.TailPosition, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Base rows whose entries in <paramref name="index"/> hold <paramref name="value"/> (serialized), in (token, key,
    /// clustering) order, after <paramref name="after"/> up to <paramref name="endInclusive"/> (no wrap), at most
    /// <paramref name="limit"/>. Each hit is re-checked against this node's base row: an entry whose row no longer has
    /// the value here is skipped (it can never match again: whatever replaced the value here is newer than the entry).
    /// <see cref="IndexLookup.Resume"/> is set when the limit (of entries read, stale ones included) cut the answer.
    /// Throws InvalidRequest while the index is being built.
    /// </summary>
    public IndexLookup LookupIndex(string baseTable, string index, byte[] value, RangePosition after, Token endInclusive, int limit)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var local = FindIndex(baseTable, index);
        if (!local.Built)
            throw new InvalidRequestException(local.BuildError is { } error
                ? $"The secondary index '{index}' failed to build on this node ({error}); restart the node to build it again"
                : $"The secondary index '{index}' is not yet available as it is building ({IndexStatus(baseTable, index).Progress:P0} done)");
        if (value.Length == 0) return new IndexLookup([], null);
        var start = after.Key is null
            ? new ClusteringBound(IndexEntries.TokenPrefix(after.Token.Value), false)
            : new ClusteringBound(IndexEntries.Key(after.Token.Value, after.Key, after.Clustering ?? []), false);
        if (after.Key is null && after.Token == Token.Minimum) start = ClusteringBound.Unbounded;
        var slice = new ClusteringSlice(start, new ClusteringBound(IndexEntries.TokenPrefix(endInclusive.Value), true));
        var entries = Read(new SliceQuery(local.Store.Schema.FullName, value, slice, Limit: limit));
        var hits = new List<IndexHit>(entries.Rows.Count);
        int now = NowSeconds;
        foreach (var entry in entries.Rows)
        {
            var hit = IndexEntries.Decode(entry.Clustering);
            var row = ReadRow(baseTable, hit.PartitionKey, hit.Clustering);
            if (row?.CellFor(local.Column) is { Value: { } v } cell && cell.IsLiveAt(now) && v.AsSpan().SequenceEqual(value)) hits.Add(hit);
        }
        RangePosition? resume = null;
        if (entries.PagingState is { } last)
        {
            var cut = IndexEntries.Decode(last);
            resume = new RangePosition(new Token(cut.Token), cut.PartitionKey, cut.Clustering);
        }
        return new IndexLookup(hits, resume);
    }

    /// <summary>Build state of an index on this node (progress = the fraction of the token ring scanned; 1 when built).</summary>
    public IndexBuildStatus IndexStatus(string baseTable, string index)
    {
        var local = FindIndex(baseTable, index);
        double progress = local.Built ? 1 : (Volatile.Read(ref local.BuildToken) / 2.0 - long.MinValue / 2.0) / (long.MaxValue / 2.0 - long.MinValue / 2.0);
        return new IndexBuildStatus(baseTable, index, local.Definition.Column, local.Built, Math.Clamp(progress, 0, 1),
            Interlocked.Read(ref local.RowsIndexed), local.BuildError);
    }

    /// <summary>Every index on this node with its build state.</summary>
    public IReadOnlyList<IndexBuildStatus> IndexStatuses() =>
        [.. _indexes.Values.SelectMany(i => i).Select(i => IndexStatus(i.BaseTable, i.Definition.Name)).OrderBy(s => s.Table, StringComparer.Ordinal).ThenBy(s => s.Index, StringComparer.Ordinal)];

    /// <summary>Completes when every index build running now has ended (tests; a build in progress is otherwise invisible).</summary>
    public Task IndexBuildsCompleted => Task.WhenAll(_indexes.Values.SelectMany(i => i).Select(i => i.Build));

    private LocalIndex FindIndex(string baseTable, string index) =>
        _indexes.TryGetValue(baseTable, out var indexes) && indexes.FirstOrDefault(i => i.Definition.Name == index) is { } found
            ? found
            : throw new InvalidRequestException($"No secondary index '{index}' on {baseTable} on this node");

    private async Task StopIndexBuildsAsync()
    {
        LocalIndex[] all;
        lock (_indexGate) all = [.. _indexes.Values.SelectMany(i => i)];
        foreach (var index in all) index.BuildCancel.Cancel();
        try { await Task.WhenAll(all.Select(i => i.Build)).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }
}

/// <summary>An index lookup's hits (re-checked on this node) and where to continue when the limit cut it (null: the range is done).</summary>
public sealed record IndexLookup(IReadOnlyList<IndexHit> Hits, RangePosition? Resume);

/// <summary>Build state of one index on one node (<c>ringstore indexes</c>).</summary>
public sealed record IndexBuildStatus(string Table, string Index, string Column, bool Built, double Progress, long EntriesBuilt, string? Error);
