using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;

namespace RingStore.Storage.Memtables;

/// <summary>
/// One partition in a memtable: rows sorted by encoded clustering key plus the partition's
/// deletions. Writers to the same partition serialize on a lock; writers to different partitions
/// never contend. Readers copy what they need under the same lock, so what they return is a
/// stable snapshot.
/// Rows live in one of two shapes. While every write has arrived in clustering order (a batch
/// written once, a time series appending), they are an ordered list of encoded rows in the
/// memtable's arena: a batch is adopted with one copy of the bytes the commit log was given, no
/// per-row comparisons against a tree and no long-lived objects per row. The first write that
/// lands at or before the last row (an overwrite, an out-of-order insert, an unsorted batch) indexes
/// them in a sorted tree by clustering key for good, and from then on rows are merged one by one. In
/// both shapes a row's bytes live in the arena: a tree row keeps only its key and a tree node alive.
/// </summary>
internal sealed class MemtablePartition
{
    /// <summary>Estimated bytes per row of bookkeeping: a list slot (with growth slack), a block slot (with split slack).</summary>
    internal const int ListSlotBytes = 32, TreeSlotBytes = 32;

    private readonly object _gate = new();
    private readonly MemtableArena _arena;
    private OrderedRowList? _ordered = new();
    private SortedRowBlocks? _tree;
    private readonly List<RangeTombstone> _rangeTombstones = [];
    private DeletionTime _partitionDeletion = DeletionTime.Live;

    public MemtablePartition(byte[] key, MemtableArena arena)
    {
        Key = key;
        Token = Murmur3Partitioner.GetToken(key);
        _arena = arena;
    }

    public byte[] Key { get; }
    public Token Token { get; }

    /// <summary>Whether the rows are still in the ordered-list shape (for tests).</summary>
    internal bool IsOrderedList
    {
        get { lock (_gate) return _ordered is not null; }
    }

    /// <summary>An update's parts (tests): its rows encoded here unless <paramref name="encoded"/> is given.</summary>
    internal long Apply(PartitionUpdate update, EncodedRows encoded = default)
    {
        if (encoded.IsAvailable || update.Rows.Count == 0) return Apply(update.PartitionDeletion, update.RangeTombstones, encoded);
        using var encoding = RowsEncoding.Of(update.Rows);
        return Apply(update.PartitionDeletion, update.RangeTombstones, encoding.Rows);
    }

    /// <summary>
    /// Applies an update with the merge rule; returns the change in estimated size. <paramref name="rows"/> are the
    /// update's rows encoded (<see cref="DataSerializer.WriteRow"/>): they are copied into the arena as they are.
    /// </summary>
    public long Apply(DeletionTime partitionDeletion, IReadOnlyList<RangeTombstone> tombstones, EncodedRows rows)
    {
        long delta = 0;
        lock (_gate)
        {
            _partitionDeletion = DeletionTime.Max(_partitionDeletion, partitionDeletion);
            for (int i = 0; i < tombstones.Count; i++)
            {
                var rt = tombstones[i];
                _rangeTombstones.Add(rt);
                delta += 64 + rt.Slice.Start.Prefix.Length + rt.Slice.End.Prefix.Length;
            }
            if (rows.Count == 0) return delta;
            if (_ordered is not null)
            {
                if (AppendsInOrder(_ordered, rows)) return delta + CopyToArena(rows);
                delta += MoveToTree();
            }
            for (int i = 0; i < rows.Count; i++) delta += MergeIntoTree(rows.Row(i));
        }
        return delta;
    }

    /// <summary>True when <paramref name="rows"/> are strictly ascending and all after the last row held.</summary>
    private static bool AppendsInOrder(OrderedRowList held, EncodedRows rows)
    {
        var previous = DataSerializer.ReadRowClustering(rows.Row(0));
        if (held.Count > 0 && held[held.Count - 1].Clustering.SequenceCompareTo(previous) >= 0) return false;
        for (int i = 1; i < rows.Count; i++)
        {
            var next = DataSerializer.ReadRowClustering(rows.Row(i));
            if (previous.SequenceCompareTo(next) >= 0) return false;
            previous = next;
        }
        return true;
    }

    /// <summary>One copy of the whole run of rows into the arena, then a reference per row.</summary>
    private long CopyToArena(EncodedRows encoded)
    {
        var bounds = encoded.Bounds;
        int start = bounds[0];
        var (chunk, offset) = _arena.Copy(encoded.Bytes[start..bounds[^1]]);
        int count = bounds.Length - 1;
        _ordered!.EnsureCapacity(_ordered.Count + count);
        for (int i = 0; i < count; i++)
            _ordered.Add(new EncodedRowRef(chunk, offset + bounds[i] - start, bounds[i + 1] - bounds[i]));
        return bounds[^1] - start + (long)count * ListSlotBytes;
    }

    /// <summary>
    /// Re-indexes the ordered rows by clustering key in a tree (their bytes stay where they are in the arena);
    /// returns the change in estimated size.
    /// </summary>
    private long MoveToTree()
    {
        var ordered = _ordered!;
        _tree = SortedRowBlocks.FromSorted(ordered.Items.AsSpan(0, ordered.Count), BlockSize);
        _ordered = null;
        return (long)(TreeSlotBytes - ListSlotBytes) * ordered.Count;
    }

    /// <summary>Rows per block of the sorted shape (tests make it small to exercise splits).</summary>
    internal int BlockSize { get; init; } = SortedRowBlocks.DefaultBlockSize;

    /// <summary>
    /// Merges one row into the tree. Rows stay encoded in the arena (a tree node and the key are the only objects
    /// a row keeps alive, so long-lived memtable rows cost the GC little); a row that meets an existing one is
    /// reconciled with the merge rule (both decoded) and the result appended to the arena (the superseded bytes stay counted).
    /// </summary>
    private long MergeIntoTree(ReadOnlySpan<byte> encodedRow)
    {
        var tree = _tree!;
        var slot = tree.Find(DataSerializer.ReadRowClustering(encodedRow));
        if (slot.Found)
        {
            var reader = new BinaryReaderSpan(encodedRow);
            var merged = Reconcile.Rows(tree.At(slot).Decode(), DataSerializer.ReadRow(ref reader));
            var stored = EncodeToArena(merged);
            tree.Replace(slot, stored);
            return stored.Length;
        }
        var (chunk, offset) = _arena.Copy(encodedRow);
        tree.Insert(slot, new EncodedRowRef(chunk, offset, encodedRow.Length));
        return encodedRow.Length + TreeSlotBytes;
    }

    private EncodedRowRef EncodeToArena(Row row)
    {
        var buffer = BinaryWriterBufferPool.Shared.Rent();
        try
        {
            DataSerializer.WriteRow(buffer, row);
            var (chunk, offset) = _arena.Copy(buffer.WrittenSpan);
            return new EncodedRowRef(chunk, offset, buffer.Length);
        }
        finally
        {
            BinaryWriterBufferPool.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A consistent snapshot of the rows in <paramref name="slice"/>, in the requested order. Rows are decoded lazily,
    /// as the read consumes them, so a slice cut short by its limit decodes only what it returns (a slice of an
    /// in-order partition also finds its start by binary search). In the tree shape the references to the slice's rows
    /// are copied under the lock (the tree changes in place), but none is decoded until read.
    /// </summary>
    public PartitionSnapshot Snapshot(ClusteringSlice slice, bool reversed) => Snapshot([slice], reversed);

    /// <summary>
    /// <see cref="Snapshot(ClusteringSlice, bool)"/> of several slices, sorted by start and disjoint: one consistent
    /// snapshot, rows in clustering order across the slices (backwards when reversed).
    /// </summary>
    public PartitionSnapshot Snapshot(IReadOnlyList<ClusteringSlice> slices, bool reversed)
    {
        DeletionTime deletion;
        RangeTombstone[] tombstones;
        IEnumerable<Row> rows;
        lock (_gate)
        {
            deletion = _partitionDeletion;
            tombstones = _rangeTombstones.ToArray();
            rows = _ordered is null
                ? DecodeLazily(SliceOfTree(_tree!, slices), reversed)
                : SlicesOfOrdered(_ordered.Items, _ordered.Count, slices, reversed);
        }
        return new PartitionSnapshot(Key, Token, deletion, tombstones, rows);
    }

    private static IEnumerable<Row> DecodeLazily(EncodedRowRef[] rows, bool reversed)
    {
        for (int i = 0; i < rows.Length; i++) yield return rows[reversed ? rows.Length - 1 - i : i].Decode();
    }

    /// <summary>
    /// Every row still encoded, in clustering order, with the partition's deletions: what a flush writes. The bytes
    /// live in the arena, which outlives the flush (the memtable is only dropped after its SSTable is written).
    /// </summary>
    public EncodedPartitionSnapshot EncodedSnapshot()
    {
        lock (_gate)
        {
            var rows = new ReadOnlyMemory<byte>[_ordered?.Count ?? _tree!.Count];
            int i = 0;
            if (_ordered is not null) for (; i < _ordered.Count; i++) rows[i] = _ordered[i].Memory;
            else foreach (var row in _tree!.InOrder()) rows[i++] = row.Memory;
            return new EncodedPartitionSnapshot(Key, Token, _partitionDeletion, _rangeTombstones.ToArray(), rows);
        }
    }

    /// <summary>
    /// The rows of <paramref name="items"/>[0, <paramref name="count"/>) inside the slice, decoded one by one as they are
    /// enumerated. Entries below a captured count never change (<see cref="OrderedRowList"/>), so no lock is needed.
    /// Both bounds are found by binary search: admission by a start (end) bound is monotonic in the key.
    /// </summary>
    private static IEnumerable<Row> SlicesOfOrdered(EncodedRowRef[] items, int count, IReadOnlyList<ClusteringSlice> slices, bool reversed)
    {
        for (int i = 0; i < slices.Count; i++)
            foreach (var row in SliceOfOrdered(items, count, slices[reversed ? slices.Count - 1 - i : i], reversed))
                yield return row;
    }

    private static IEnumerable<Row> SliceOfOrdered(EncodedRowRef[] items, int count, ClusteringSlice slice, bool reversed)
    {
        int lo = 0, hi = count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (slice.Start.AdmitsAsStart(items[mid].Clustering)) hi = mid;
            else lo = mid + 1;
        }
        int first = lo;
        if (!reversed)
        {
            for (int i = first; i < count && slice.End.AdmitsAsEnd(items[i].Clustering); i++) yield return items[i].Decode();
            yield break;
        }
        // One past the last row the end bound admits.
        lo = first;
        hi = count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (slice.End.AdmitsAsEnd(items[mid].Clustering)) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo - 1; i >= first; i--) yield return items[i].Decode();
    }

    /// <summary>One in-order walk of the tree collecting the rows of any of the sorted, disjoint slices.</summary>
    private static EncodedRowRef[] SliceOfTree(SortedRowBlocks tree, IReadOnlyList<ClusteringSlice> slices)
    {
        var rows = new List<EncodedRowRef>();
        int s = 0;
        foreach (var row in tree.InOrder())
        {
            var key = row.Clustering;
            while (s < slices.Count && !slices[s].End.AdmitsAsEnd(key)) s++;
            if (s == slices.Count) break;
            if (slices[s].Start.AdmitsAsStart(key)) rows.Add(row);
        }
        return [.. rows];
    }
}
