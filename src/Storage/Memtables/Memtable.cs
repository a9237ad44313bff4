using System.Collections.Concurrent;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;

namespace RingStore.Storage.Memtables;

/// <summary>
/// The in-memory, mutable part of one table's LSM: partitions in a concurrent hash map (sorted by
/// token only when flushed, so writers never contend on a global ordered structure).
/// A memtable is written while active, then switched out and flushed. Two facts make the commit
/// log safe to release: every write first registers (<see cref="TryBeginWrite"/>), lowering
/// <see cref="LowestLogPosition"/> to the log tail it saw before appending, and a switched
/// memtable is only flushed once its in-flight writes have finished (<see cref="WaitForWriters"/>).
/// </summary>
public sealed class Memtable
{
    private readonly ConcurrentDictionary<byte[], MemtablePartition> _partitions = new(ByteArrayComparer.Instance);
    private readonly MemtableArena _arena = new();
    private long _sizeBytes;
    private long _lowestLogPosition = long.MaxValue;
    private long _minTimestamp = long.MaxValue;
    private int _writersInFlight;
    private volatile bool _sealed;
    private readonly MemtableMemory? _memory;
    private int _memoryReleased;

    /// <param name="id">Monotonic id (logs, views).</param>
    /// <param name="memory">The engine-wide account this memtable's bytes are counted in (null: not counted).</param>
    public Memtable(long id, MemtableMemory? memory = null)
    {
        Id = id;
        _memory = memory;
    }

    /// <summary>Monotonic id, to tell memtables apart in logs and views.</summary>
    public long Id { get; }

    public long EstimatedSizeBytes => Interlocked.Read(ref _sizeBytes);
    public int PartitionCount => _partitions.Count;
    public bool IsEmpty => _partitions.IsEmpty;

    /// <summary>
    /// The lowest commit-log position any write to this memtable may occupy; long.MaxValue if it
    /// was never written. Entries below the minimum of this over all unflushed memtables are safe to release.
    /// </summary>
    public long LowestLogPosition => Interlocked.Read(ref _lowestLogPosition);

    /// <summary>
    /// Registers a writer before it appends to the commit log. Fails once the memtable is sealed
    /// (switched out); the caller then retries on the new active memtable.
    /// </summary>
    public bool TryBeginWrite(long logTailBeforeAppend)
    {
        Interlocked.Increment(ref _writersInFlight);
        if (_sealed)
        {
            Interlocked.Decrement(ref _writersInFlight);
            return false;
        }
        long current;
        while (logTailBeforeAppend < (current = Interlocked.Read(ref _lowestLogPosition)))
            if (Interlocked.CompareExchange(ref _lowestLogPosition, logTailBeforeAppend, current) == current) break;
        return true;
    }

    public void EndWrite() => Interlocked.Decrement(ref _writersInFlight);

    /// <summary>Used by commit-log replay, which writes without a concurrent switch.</summary>
    public void NoteReplayedPosition(long position) => TryLower(position);

    private void TryLower(long position)
    {
        long current;
        while (position < (current = Interlocked.Read(ref _lowestLogPosition)))
            if (Interlocked.CompareExchange(ref _lowestLogPosition, position, current) == current) break;
    }

    /// <summary>
    /// Applies an update with the merge rule. <paramref name="encoded"/>, when available, is the update's rows
    /// as the caller already encoded them (for the commit log); without it the rows are encoded here, once, since the
    /// memtable keeps rows as bytes either way.
    /// </summary>
    public void Apply(PartitionUpdate update, EncodedRows encoded = default)
    {
        var rows = update.Rows;
        if (encoded.IsAvailable || rows.Count == 0)
        {
            Apply(update.PartitionKey, update.PartitionDeletion, update.RangeTombstones, encoded);
            return;
        }
        // Replay, index entries and direct callers: encode the rows in a reused buffer.
        using var encoding = RowsEncoding.Of(rows);
        Apply(update.PartitionKey, update.PartitionDeletion, update.RangeTombstones, encoding.Rows);
    }

    /// <summary>
    /// Applies an update of one partition given as its parts, the rows as their encoding (<see cref="DataSerializer.WriteRow"/>):
    /// the one way rows enter a memtable, whether the writer started from objects or from a coordinator's bytes.
    /// Rows are only decoded where one meets a row already held (the merge rule needs both).
    /// </summary>
    /// <param name="partitionKey">Kept as the partition's key when the partition is new (not copied).</param>
    public void Apply(byte[] partitionKey, DeletionTime partitionDeletion, IReadOnlyList<RangeTombstone> rangeTombstones, EncodedRows rows)
    {
        long delta = 0;
        if (!_partitions.TryGetValue(partitionKey, out var partition))
        {
            partition = _partitions.GetOrAdd(partitionKey, static (k, arena) => new MemtablePartition(k, arena), _arena);
            delta += 128 + partitionKey.Length; // dictionary entry, partition object, its maps
        }
        delta += partition.Apply(partitionDeletion, rangeTombstones, rows);
        Interlocked.Add(ref _sizeBytes, delta);
        long ts = MinTimestampOf(partitionDeletion, rangeTombstones, rows), current;
        while (ts < (current = Interlocked.Read(ref _minTimestamp)))
            if (Interlocked.CompareExchange(ref _minTimestamp, ts, current) == current) break;
        _memory?.Add(delta);
    }

    /// <summary>
    /// The oldest write or deletion timestamp applied (long.MaxValue if none): compaction may drop a fully expired
    /// SSTable only if its data is older than everything here that it could shadow.
    /// </summary>
    public long MinTimestampMicros => Interlocked.Read(ref _minTimestamp);

    private static long MinTimestampOf(DeletionTime partitionDeletion, IReadOnlyList<RangeTombstone> tombstones, EncodedRows rows)
    {
        long min = partitionDeletion.IsLive ? long.MaxValue : partitionDeletion.MarkedForDeleteAtMicros;
        // Indexed loops: foreach over IReadOnlyList boxes an enumerator per write.
        for (int i = 0; i < tombstones.Count; i++) min = Math.Min(min, tombstones[i].Deletion.MarkedForDeleteAtMicros);
        for (int i = 0; i < rows.Count; i++)
        {
            var row = new EncodedRowReader(rows.Row(i));
            if (!row.Liveness.IsEmpty) min = Math.Min(min, row.Liveness.TimestampMicros);
            if (!row.Deletion.IsLive) min = Math.Min(min, row.Deletion.MarkedForDeleteAtMicros);
            while (row.TryReadCell(out var cell)) min = Math.Min(min, cell.TimestampMicros);
        }
        return min;
    }

    /// <summary>
    /// Gives this memtable's bytes back to the engine-wide account; called once it has left its table's view and
    /// has no writer left (later calls do nothing).
    /// </summary>
    public void ReleaseMemory()
    {
        if (Interlocked.Exchange(ref _memoryReleased, 1) == 0) _memory?.Free(EstimatedSizeBytes);
    }

    /// <summary>Stops new writers; existing ones finish (see <see cref="WaitForWriters"/>).</summary>
    public void Seal() => _sealed = true;

    public bool IsSealed => _sealed;

    /// <summary>Waits (bounded spin then sleeps) until writers that registered before the seal are done.</summary>
    public async Task WaitForWriters(CancellationToken ct = default)
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref _writersInFlight) > 0)
        {
            ct.ThrowIfCancellationRequested();
            if (spinner.NextSpinWillYield) await Task.Delay(1, ct).ConfigureAwait(false);
            else spinner.SpinOnce();
        }
    }

    public bool ContainsPartition(byte[] partitionKey) => _partitions.ContainsKey(partitionKey);

    public PartitionSnapshot? Read(byte[] partitionKey, ClusteringSlice slice, bool reversed) =>
        _partitions.TryGetValue(partitionKey, out var p) ? p.Snapshot(slice, reversed) : null;

    /// <summary>Several sorted, disjoint slices of one partition, rows in order across them.</summary>
    public PartitionSnapshot? Read(byte[] partitionKey, IReadOnlyList<ClusteringSlice> slices, bool reversed) =>
        _partitions.TryGetValue(partitionKey, out var p) ? p.Snapshot(slices, reversed) : null;

    /// <summary>All partitions in (token, key) order, each a full snapshot; used by flush and range reads.</summary>
    public IEnumerable<PartitionSnapshot> ScanInTokenOrder()
    {
        foreach (var p in PartitionsInTokenOrder()) yield return p.Snapshot(ClusteringSlice.All, reversed: false);
    }

    /// <summary>The same partitions with their rows still encoded: what a flush copies into the SSTable.</summary>
    public IEnumerable<EncodedPartitionSnapshot> ScanEncodedInTokenOrder()
    {
        foreach (var p in PartitionsInTokenOrder()) yield return p.EncodedSnapshot();
    }

    private MemtablePartition[] PartitionsInTokenOrder()
    {
        var ordered = _partitions.Values.ToArray();
        var tokens = new long[ordered.Length];
        for (int i = 0; i < ordered.Length; i++) tokens[i] = ordered[i].Token.Value;
        TokenOrder.Sort(tokens, ordered, KeyOrder.Instance);
        return ordered;
    }

    /// <summary>Partitions of one token by key bytes.</summary>
    private sealed class KeyOrder : IComparer<MemtablePartition>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(MemtablePartition? a, MemtablePartition? b) => a!.Key.AsSpan().SequenceCompareTo(b!.Key);
    }
}
