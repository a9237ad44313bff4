using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Storage.Memtables;

/// <summary>
/// One partition in a memtable: rows sorted by encoded clustering key plus the partition's
/// deletions. Writers to the same partition serialize on a lock; writers to different partitions
/// never contend. Readers copy the rows they need under the same lock, so what they return is a
/// stable snapshot.
/// Rows live in one of two shapes. While every write has arrived in clustering order (a batch
/// written once, a time series appending), they are a plain sorted list: a batch is adopted with
/// one copy and no per-row comparisons against a tree. The first write that lands before the
/// last row (an overwrite, an out-of-order insert, an unsorted batch) moves them into a sorted
/// tree for good, and from then on rows are merged one by one as before.
/// </summary>
internal sealed class MemtablePartition
{
    /// <summary>Estimated bytes per row of bookkeeping: a list slot (with growth slack), a tree node.</summary>
    internal const int ListSlotBytes = 16, TreeNodeBytes = 48;

    private readonly object _gate = new();
    private List<Row>? _ordered = [];
    private SortedDictionary<byte[], Row>? _tree;
    private readonly List<RangeTombstone> _rangeTombstones = [];
    private DeletionTime _partitionDeletion = DeletionTime.Live;

    public MemtablePartition(byte[] key)
    {
        Key = key;
        Token = Murmur3Partitioner.GetToken(key);
    }

    public byte[] Key { get; }
    public Token Token { get; }

    /// <summary>Whether the rows are still in the append-only list shape (for tests).</summary>
    internal bool IsOrderedList
    {
        get { lock (_gate) return _ordered is not null; }
    }

    /// <summary>Applies an update with the merge rule; returns the change in estimated size.</summary>
    public long Apply(PartitionUpdate update)
    {
        long delta = 0;
        lock (_gate)
        {
            _partitionDeletion = DeletionTime.Max(_partitionDeletion, update.PartitionDeletion);
            foreach (var rt in update.RangeTombstones)
            {
                _rangeTombstones.Add(rt);
                delta += 64 + rt.Slice.Start.Prefix.Length + rt.Slice.End.Prefix.Length;
            }
            var rows = update.Rows;
            if (rows.Count == 0) return delta;
            if (_ordered is not null)
            {
                if (AppendsInOrder(_ordered, rows))
                {
                    _ordered.AddRange(rows);
                    foreach (var row in rows) delta += row.EstimatedSizeBytes + ListSlotBytes;
                    return delta;
                }
                delta += MoveToTree();
            }
            foreach (var row in rows) delta += MergeIntoTree(row);
        }
        return delta;
    }

    /// <summary>True when <paramref name="rows"/> are strictly ascending and all after the last row held.</summary>
    private static bool AppendsInOrder(List<Row> held, IReadOnlyList<Row> rows)
    {
        var comparer = ByteArrayComparer.Instance;
        if (held.Count > 0 && comparer.Compare(held[^1].Clustering, rows[0].Clustering) >= 0) return false;
        for (int i = 1; i < rows.Count; i++)
            if (comparer.Compare(rows[i - 1].Clustering, rows[i].Clustering) >= 0) return false;
        return true;
    }

    /// <summary>Moves the ordered rows into a tree; returns the change in estimated bookkeeping.</summary>
    private long MoveToTree()
    {
        var tree = new SortedDictionary<byte[], Row>(ByteArrayComparer.Instance);
        foreach (var row in _ordered!) tree.Add(row.Clustering, row);
        long delta = (long)_ordered.Count * (TreeNodeBytes - ListSlotBytes);
        _ordered = null;
        _tree = tree;
        return delta;
    }

    private long MergeIntoTree(Row row)
    {
        var tree = _tree!;
        if (tree.TryGetValue(row.Clustering, out var existing))
        {
            var merged = Reconcile.Rows(existing, row);
            tree[row.Clustering] = merged;
            return merged.EstimatedSizeBytes - existing.EstimatedSizeBytes;
        }
        tree.Add(row.Clustering, row);
        return row.EstimatedSizeBytes + TreeNodeBytes;
    }

    /// <summary>A consistent copy of the rows in <paramref name="slice"/>, in the requested order.</summary>
    public PartitionSnapshot Snapshot(ClusteringSlice slice, bool reversed)
    {
        lock (_gate)
        {
            var rows = _ordered is not null ? SliceOfOrdered(_ordered, slice) : SliceOfTree(_tree!, slice);
            if (reversed) rows.Reverse();
            return new PartitionSnapshot(Key, Token, _partitionDeletion, _rangeTombstones.ToArray(), rows);
        }
    }

    private static List<Row> SliceOfOrdered(List<Row> ordered, ClusteringSlice slice)
    {
        // Binary search for the first row the start bound admits (admission is monotonic in the key).
        int lo = 0, hi = ordered.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (slice.Start.AdmitsAsStart(ordered[mid].Clustering)) hi = mid;
            else lo = mid + 1;
        }
        int end = lo;
        while (end < ordered.Count && slice.End.AdmitsAsEnd(ordered[end].Clustering)) end++;
        return ordered.GetRange(lo, end - lo);
    }

    private static List<Row> SliceOfTree(SortedDictionary<byte[], Row> tree, ClusteringSlice slice)
    {
        var rows = new List<Row>();
        foreach (var (key, row) in tree)
        {
            if (!slice.Start.AdmitsAsStart(key)) continue;
            if (!slice.End.AdmitsAsEnd(key)) break;
            rows.Add(row);
        }
        return rows;
    }
}
