using RingStore.Core.Data;
using RingStore.Core.Reads;

namespace RingStore.Coordination;

/// <summary>
/// What one replica lacks compared to the resolved partition: each piece of the resolved data that would change
/// the replica if merged into it (merging the piece with the replica's version gives something other than the
/// replica's version). Merging is idempotent, so sending a piece the replica already has is harmless; this only
/// keeps repairs small.
/// </summary>
internal static class RepairDiff
{
    public static PartitionUpdate? For(string table, byte[] partitionKey, MergedPartitionData resolved,
        IReadOnlyList<Row> resolvedRows, MergedPartitionData? replica, bool reversed)
    {
        var replicaDeletion = replica?.PartitionDeletion ?? DeletionTime.Live;
        var deletion = DeletionTime.Max(replicaDeletion, resolved.PartitionDeletion).Equals(replicaDeletion)
            ? DeletionTime.Live
            : resolved.PartitionDeletion;

        var replicaTombstones = new HashSet<RangeTombstone>(replica?.RangeTombstones ?? []);
        var tombstones = resolved.RangeTombstones.Where(rt => !replicaTombstones.Contains(rt)).ToList();

        var rows = new List<Row>();
        IReadOnlyList<Row> theirs = replica?.Rows ?? [];
        int j = 0;
        foreach (var row in resolvedRows)
        {
            // Both lists are in read order; skip the replica's rows that sort before this one.
            while (j < theirs.Count && Compare(theirs[j].Clustering, row.Clustering, reversed) < 0)
            {
                j++;
            }
            Row? mine = j < theirs.Count && Compare(theirs[j].Clustering, row.Clustering, reversed) == 0 ? theirs[j] : null;
            var diff = mine is null ? row : DiffRow(row, mine);
            if (diff is not null)
            {
                rows.Add(diff);
            }
        }

        if (deletion.IsLive && tombstones.Count == 0 && rows.Count == 0)
        {
            return null;
        }
        // Storage order is ascending clustering whatever direction the read went.
        if (reversed)
        {
            rows.Reverse();
        }
        return new PartitionUpdate(table, partitionKey, deletion, tombstones, rows);
    }

    private static Row? DiffRow(Row resolved, Row replica)
    {
        var liveness = Reconcile.Liveness(replica.Liveness, resolved.Liveness).Equals(replica.Liveness)
            ? LivenessInfo.None
            : resolved.Liveness;
        var deletion = DeletionTime.Max(replica.Deletion, resolved.Deletion).Equals(replica.Deletion)
            ? DeletionTime.Live
            : resolved.Deletion;
        var cells = new List<Cell>();
        foreach (var cell in resolved.Cells)
        {
            var theirs = replica.CellFor(cell.Column);
            if (theirs is null || !Reconcile.Cells(theirs.Value, cell).Equals(theirs.Value))
            {
                cells.Add(cell);
            }
        }
        var diff = new Row(resolved.Clustering, liveness, deletion, [.. cells]);
        return diff.IsEmpty ? null : diff;
    }

    internal static int Compare(byte[] a, byte[] b, bool reversed)
    {
        int c = ByteArrayComparer.Instance.Compare(a, b);
        return reversed ? -c : c;
    }
}
