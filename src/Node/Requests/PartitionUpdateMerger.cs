using RingStore.Core.Data;

namespace RingStore.Node.Requests;

/// <summary>
/// Folds updates of the same partition into one (a batch touching a partition twice is still one atomic
/// mutation per partition, as in Cassandra): the strongest partition deletion, all range tombstones, and rows with
/// the same clustering merged by the merge rule, sorted by clustering.
/// </summary>
public static class PartitionUpdateMerger
{
    public static IReadOnlyList<PartitionUpdate> Merge(IEnumerable<PartitionUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var result = new List<PartitionUpdate>();
        foreach (var group in updates.GroupBy(u => (u.Table, Convert.ToHexString(u.PartitionKey))))
        {
            var parts = group.ToList();
            var deletion = parts.Aggregate(DeletionTime.Live, (d, u) => DeletionTime.Max(d, u.PartitionDeletion));
            var tombstones = parts.SelectMany(u => u.RangeTombstones).ToList();
            var rows = parts.SelectMany(u => u.Rows)
                .GroupBy(r => Convert.ToHexString(r.Clustering))
                .Select(g => g.Aggregate(Reconcile.Rows))
                .OrderBy(r => r.Clustering, ByteArrayComparer.Instance)
                .ToList();
            result.Add(new PartitionUpdate(parts[0].Table, parts[0].PartitionKey, deletion, tombstones, rows));
        }
        return result;
    }
}
