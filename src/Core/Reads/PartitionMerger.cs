using RingStore.Core.Data;

namespace RingStore.Core.Reads;

/// <summary>
/// K-way merge of one partition's sources (memtables and SSTables), each already sliced and in the
/// requested order. Range tombstones are applied as the merge goes, by a <see cref="RangeTombstoneSweep"/> that keeps
/// only the ones covering the current row. Pure: no I/O of its own beyond enumerating the sources it is given.
/// </summary>
public static class PartitionMerger
{
    public static MergedPartition? Merge(IReadOnlyList<PartitionSnapshot> sources, bool reversed)
    {
        if (sources.Count == 0) return null;
        var deletion = DeletionTime.Live;
        var tombstones = new List<RangeTombstone>();
        foreach (var s in sources)
        {
            deletion = DeletionTime.Max(deletion, s.PartitionDeletion);
            tombstones.AddRange(s.RangeTombstones);
        }
        var rows = MergeRows(sources.Select(s => s.Rows).ToArray(), reversed, deletion, tombstones);
        return new MergedPartition(sources[0].Key, sources[0].Token, deletion, tombstones, rows);
    }

    private static IEnumerable<Row> MergeRows(IEnumerable<Row>[] sources, bool reversed, DeletionTime partitionDeletion,
        IReadOnlyList<RangeTombstone> tombstones)
    {
        IComparer<byte[]> order = reversed
            ? Comparer<byte[]>.Create(static (a, b) => b.AsSpan().SequenceCompareTo(a))
            : ByteArrayComparer.Instance;
        var queue = new PriorityQueue<IEnumerator<Row>, byte[]>(sources.Length, order);
        var open = new List<IEnumerator<Row>>(sources.Length);
        var sweep = tombstones.Count == 0 ? null : new RangeTombstoneSweep(tombstones, reversed);
        try
        {
            foreach (var s in sources)
            {
                var e = s.GetEnumerator();
                open.Add(e);
                if (e.MoveNext()) queue.Enqueue(e, e.Current.Clustering);
            }
            while (queue.TryDequeue(out var e, out var key))
            {
                Row merged = e.Current;
                if (e.MoveNext()) queue.Enqueue(e, e.Current.Clustering);
                while (queue.TryPeek(out var other, out var otherKey) && order.Compare(otherKey, key) == 0)
                {
                    queue.Dequeue();
                    merged = Reconcile.Rows(merged, other.Current);
                    if (other.MoveNext()) queue.Enqueue(other, other.Current.Clustering);
                }
                var shadow = tombstones.Count == 0 ? partitionDeletion : sweep!.ShadowOf(key, partitionDeletion);
                var kept = Reconcile.ApplyDeletion(merged, shadow);
                if (kept is not null) yield return kept;
            }
        }
        finally
        {
            foreach (var e in open) e.Dispose();
        }
    }
}
