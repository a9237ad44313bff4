using RingStore.Core.Data;
using RingStore.Core.Reads;

namespace RingStore.Storage.Engine;

/// <summary>
/// Joins the fragments of one partition that a bounded range page split (<see cref="StorageEngine.ReadTokenRangePage"/>):
/// the later fragment's rows all come after the earlier one's, each fragment carries the partition deletion, and a range
/// tombstone reaching into both fragments comes with each, so it is kept once.
/// </summary>
public static class PartitionFragments
{
    public static MergedPartitionData Join(MergedPartitionData first, MergedPartitionData next)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(next);
        if (!first.Key.AsSpan().SequenceEqual(next.Key)) throw new ArgumentException("fragments of different partitions", nameof(next));
        if (first.Rows.Count > 0 && next.Rows.Count > 0 && first.Rows[^1].Clustering.AsSpan().SequenceCompareTo(next.Rows[0].Clustering) >= 0)
            throw new ArgumentException("the next fragment's rows do not follow the first's", nameof(next));
        var tombstones = first.RangeTombstones.ToList();
        foreach (var rt in next.RangeTombstones)
            if (!tombstones.Exists(t => SameTombstone(t, rt))) tombstones.Add(rt);
        return first with
        {
            PartitionDeletion = DeletionTime.Max(first.PartitionDeletion, next.PartitionDeletion),
            RangeTombstones = tombstones,
            Rows = [.. first.Rows, .. next.Rows],
        };
    }

    private static bool SameTombstone(RangeTombstone a, RangeTombstone b) =>
        a.Deletion == b.Deletion && SameBound(a.Slice.Start, b.Slice.Start) && SameBound(a.Slice.End, b.Slice.End);

    private static bool SameBound(ClusteringBound a, ClusteringBound b) => a.Inclusive == b.Inclusive && a.Prefix.AsSpan().SequenceEqual(b.Prefix);
}
