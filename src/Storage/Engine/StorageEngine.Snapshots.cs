using System.Text;
using Microsoft.Extensions.Logging;
using RingStore.Storage.IO;
using RingStore.Storage.Snapshots;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>
/// Snapshots (nodetool snapshot, listsnapshots, clearsnapshot, refresh): hard links of a table's live SSTables in
/// <c>&lt;table dir&gt;/snapshots/&lt;tag&gt;/</c> with <c>manifest.json</c> and <c>schema.cql</c>, and their restore
/// into a live table. The linking runs on one <see cref="TableView"/> whose SSTables are all referenced
/// (<see cref="TableStore.AcquireView"/>), so a compaction that replaces them meanwhile cannot delete a file between
/// the listing and its link (obsolete files are deleted when the last reference goes), and a flush either is wholly
/// in the view or not at all: the snapshot is one consistent SSTable set.
/// </summary>
public sealed partial class StorageEngine
{
    /// <summary>Where the keyspace folders are (the parent of every table folder).</summary>
    private string KeyspacesRoot => Path.Combine(_options.DataDirectory, "data");

    /// <summary>
    /// Snapshots every table named in <paramref name="tables"/> ("ks.table"; null: every table): flushes it (so the
    /// snapshot holds what the memtables held), then hard-links the files of its live SSTables into
    /// <c>snapshots/&lt;tag&gt;/</c> and writes <c>schema.cql</c> and, last, <c>manifest.json</c>. Throws
    /// <see cref="ArgumentException"/> for a bad tag and <see cref="SnapshotExistsException"/> (before anything is
    /// linked) when one of the tables already has a snapshot with this tag.
    /// </summary>
    public async Task<IReadOnlyList<SnapshotInfo>> SnapshotAsync(string tag, IReadOnlyCollection<string>? tables = null, CancellationToken ct = default)
    {
        SnapshotTag.Validate(tag);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var selected = tables is null ? _tables.Values.OrderBy(t => t.Schema.FullName, StringComparer.Ordinal).ToArray() : tables.Select(GetTable).ToArray();
        foreach (var t in selected)
            if (_fs.ListDirectories(SnapshotLayout.SnapshotsOf(t.Directory)).Any(d => Path.GetFileName(d) == tag))
                throw new SnapshotExistsException($"Snapshot '{tag}' of {t.Schema.FullName} already exists on this node.");
        var taken = new List<SnapshotInfo>();
        foreach (var t in selected)
        {
            ct.ThrowIfCancellationRequested();
            taken.Add(await SnapshotTableAsync(t, tag, ct).ConfigureAwait(false));
        }
        ReleaseCommitLog();
        return taken;
    }

    private async Task<SnapshotInfo> SnapshotTableAsync(TableStore store, string tag, CancellationToken ct)
    {
        store.SwitchMemtable(force: true);
        await store.FlushSealedAsync(ct).ConfigureAwait(false);
        var info = await DedicatedThread.Run(() => LinkSnapshot(store, tag), ct).ConfigureAwait(false);
        _logger.LogInformation("Snapshot {Tag} of {Table}: {SSTables} SSTables, {Files} files, {Bytes} bytes (hard links)",
            tag, store.Schema.FullName, info.Manifest!.SSTables.Count, info.Manifest.FileCount, info.Bytes);
        return info;
    }

    private SnapshotInfo LinkSnapshot(TableStore store, string tag)
    {
        string directory = SnapshotLayout.Of(store.Directory, tag);
        if (_fs.ListDirectories(SnapshotLayout.SnapshotsOf(store.Directory)).Any(d => Path.GetFileName(d) == tag))
            throw new SnapshotExistsException($"Snapshot '{tag}' of {store.Schema.FullName} already exists on this node.");
        _fs.CreateDirectory(directory);
        var acquired = new List<SSTableReader>();
        try
        {
            store.AcquireView(acquired);
            var listing = _fs.ListFiles(store.Directory);
            var sstables = new List<SnapshotSSTable>(acquired.Count);
            foreach (var sst in acquired.OrderBy(s => s.Generation))
            {
                var files = new List<SnapshotFile>();
                foreach (string path in SnapshotLayout.GenerationFiles(listing, sst.Generation))
                {
                    string name = Path.GetFileName(path);
                    _fs.CreateHardLink(path, Path.Combine(directory, name));
                    files.Add(new SnapshotFile(name, _fs.GetLength(path)));
                }
                sstables.Add(new SnapshotSSTable(sst.Generation, sst.Statistics.PartitionCount, files));
            }
            var manifest = new SnapshotManifest
            {
                Tag = tag,
                Keyspace = store.Schema.Keyspace,
                Table = store.Schema.Name,
                TableId = store.Schema.Id,
                CreatedAt = _time.GetUtcNow(),
                Columns = SnapshotColumns.Of(store.Schema),
                SSTables = sstables,
            };
            AtomicFile.Write(_fs, Path.Combine(directory, SnapshotManifest.SchemaFileName), Encoding.UTF8.GetBytes(SchemaCql.CreateTable(store.Schema)));
            // The manifest last: a folder without one is an interrupted snapshot.
            AtomicFile.Write(_fs, Path.Combine(directory, SnapshotManifest.FileName), manifest.ToJson());
            _fs.SyncDirectory(SnapshotLayout.SnapshotsOf(store.Directory));
            return new SnapshotInfo(manifest.Keyspace, manifest.Table, manifest.TableId, tag, directory, manifest, manifest.Bytes, 0, TableIsLive: true);
        }
        catch
        {
            var cleanup = new CleanupErrors();
            cleanup.Run(() => _fs.DeleteDirectory(directory));
            throw;
        }
        finally
        {
            foreach (var sst in acquired) sst.Release();
        }
    }

    /// <summary>TRUNCATE's automatic snapshot: a failure fails the truncate (nothing is lost yet).</summary>
    private async Task AutoSnapshotAsync(TableStore store, string tag, CancellationToken ct) =>
        await SnapshotTableAsync(store, UniqueTag(store, tag), ct).ConfigureAwait(false);

    /// <summary>An automatic tag made unique (two truncates in the same millisecond, or a clock that stands still).</summary>
    private string UniqueTag(TableStore store, string tag)
    {
        var taken = _fs.ListDirectories(SnapshotLayout.SnapshotsOf(store.Directory)).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        string unique = tag;
        for (int n = 2; taken.Contains(unique); n++) unique = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{tag}-{n}");
        return unique;
    }

    /// <summary>
    /// DROP TABLE's automatic snapshot. The drop is already in the schema when the engine hears of it, so a failed
    /// snapshot (a full disk) is logged and the drop goes on. Blocking: the schema change is applied synchronously.
    /// </summary>
    private void AutoSnapshotBeforeDrop(TableStore store)
    {
        string tag = UniqueTag(store, SnapshotTag.Dropped(_time.GetUtcNow(), store.Schema.Name));
        try
        {
            SnapshotTableAsync(store, tag, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SnapshotExistsException)
        {
            _logger.LogError(e, "Automatic snapshot {Tag} before dropping {Table} failed; dropping without it", tag, store.Schema.FullName);
        }
    }

    /// <summary>
    /// Every snapshot on this node (of live and of dropped tables), optionally only those with <paramref name="tag"/>,
    /// of <paramref name="keyspace"/> and of <paramref name="table"/> (table name without keyspace).
    /// </summary>
    public IReadOnlyList<SnapshotInfo> ListSnapshots(string? tag = null, string? keyspace = null, string? table = null)
    {
        var live = _tables.Values.Select(t => t.Directory).ToHashSet(StringComparer.Ordinal);
        var result = new List<SnapshotInfo>();
        foreach (var (ks, name, id, tableDir) in SnapshotLayout.TableDirectories(_fs, KeyspacesRoot))
        {
            if (keyspace is { Length: > 0 } && ks != keyspace) continue;
            if (table is { Length: > 0 } && name != table) continue;
            foreach (string dir in _fs.ListDirectories(SnapshotLayout.SnapshotsOf(tableDir)).Order(StringComparer.Ordinal))
            {
                string snapshotTag = Path.GetFileName(dir);
                if (tag is { Length: > 0 } && snapshotTag != tag) continue;
                result.Add(Describe(ks, name, id, tableDir, snapshotTag, dir, live.Contains(tableDir)));
            }
        }
        return result;
    }

    private SnapshotInfo Describe(string keyspace, string table, Guid id, string tableDir, string tag, string dir, bool tableIsLive)
    {
        SnapshotManifest? manifest = null;
        try
        {
            if (_fs.Exists(Path.Combine(dir, SnapshotManifest.FileName))) manifest = SnapshotManifest.Load(_fs, dir);
        }
        catch (InvalidDataException e)
        {
            _logger.LogWarning(e, "Snapshot {Tag} of {Keyspace}.{Table} has an unreadable manifest", tag, keyspace, table);
        }
        long bytes = 0, trueBytes = 0;
        foreach (string file in _fs.ListFiles(dir))
        {
            long length = _fs.GetLength(file);
            bytes += length;
            // Shared with the live table while a file of the same name is there (a link of the same SSTable).
            if (!tableIsLive || !_fs.Exists(Path.Combine(tableDir, Path.GetFileName(file)))) trueBytes += length;
        }
        return new SnapshotInfo(keyspace, table, id, tag, dir, manifest, bytes, trueBytes, tableIsLive);
    }

    /// <summary>Deletes the snapshots <see cref="ListSnapshots"/> would list with the same filters; returns them.</summary>
    public IReadOnlyList<SnapshotInfo> ClearSnapshots(string? tag = null, string? keyspace = null, string? table = null)
    {
        if (tag is { Length: > 0 }) SnapshotTag.Validate(tag);
        var cleared = ListSnapshots(tag, keyspace, table);
        foreach (var s in cleared)
        {
            _fs.DeleteDirectory(s.Directory);
            _fs.SyncDirectory(Path.GetDirectoryName(s.Directory)!);
            _logger.LogInformation("Cleared snapshot {Tag} of {Table} ({Bytes} bytes)", s.Tag, s.FullName, s.Bytes);
        }
        return cleared;
    }

    /// <summary>
    /// Loads a snapshot's SSTables into the live table <paramref name="table"/> ("ks.table"; the snapshot's own table,
    /// or its re-creation after a drop), as Cassandra's refresh/import does: each snapshot SSTable is hard-linked in
    /// under a new generation, verified (every block checksum) before its TOC is written, and installed in one view
    /// swap, as a streamed import is; the restored rows merge with what the table holds by the merge rule (timestamps,
    /// tombstones and TTLs as written). Throws before linking anything when the snapshot is incomplete, a file is
    /// missing or of the wrong size, or the table's columns do not match the snapshot's.
    /// </summary>
    public async Task<SnapshotRestoreResult> RestoreSnapshotAsync(SnapshotInfo snapshot, string table, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var store = GetTable(table);
        var manifest = snapshot.Manifest
            ?? throw new InvalidDataException($"Snapshot '{snapshot.Tag}' of {snapshot.FullName} has no manifest (interrupted while it was taken).");
        if (manifest.Columns.Incompatibility(store.Schema) is { } why)
            throw new InvalidOperationException($"Snapshot '{snapshot.Tag}' of {snapshot.FullName} cannot be restored into {table}: {why}.");
        SnapshotFiles.CheckComplete(_fs, snapshot.Directory, manifest);
        int sstables = 0;
        long partitions = 0, bytes = 0;
        foreach (var sst in manifest.SSTables)
        {
            ct.ThrowIfCancellationRequested();
            long generation = store.AllocateGeneration();
            var reader = await DedicatedThread.Run(
                () => SnapshotFiles.LinkInto(_fs, snapshot.Directory, sst, store.Directory, generation), ct).ConfigureAwait(false);
            if (!await InstallOrDiscardAsync(store, reader, ct).ConfigureAwait(false))
            {
                _logger.LogWarning("Dropped restored SSTable generation {Generation} of {Table}: the table was truncated meanwhile", generation, table);
                continue;
            }
            sstables++;
            partitions += reader.Statistics.PartitionCount;
            bytes += reader.SizeOnDiskBytes;
        }
        _logger.LogInformation("Restored snapshot {Tag} of {Snapshot} into {Table}: {SSTables} SSTables, {Partitions} partitions, {Bytes} bytes",
            snapshot.Tag, snapshot.FullName, table, sstables, partitions, bytes);
        _compactionWake.Release();
        return new SnapshotRestoreResult(table, snapshot.Tag, sstables, partitions, bytes);
    }
}
