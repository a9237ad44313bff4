using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Storage.Reads;

namespace RingStore.Storage.Compaction;

/// <summary>
/// Decides what compaction may forget about one merged partition. Pure.
/// Expired TTL cells become tombstones. A tombstone (partition, range, row or cell) is dropped only
/// when it is older than gc_grace_seconds AND its timestamp is below
/// <paramref name="maxPurgeableTimestampMicros"/>: the oldest write that any source outside this
/// compaction may hold for the partition. Dropping it earlier would resurrect that older data.
/// </summary>
public static class TombstonePurger
{
    /// <param name="onPurge">Called whenever something is purged (compaction uses it to know whether its output
    /// depends on what lay outside it when it started).</param>
    public static PurgedPartition Purge(MergedPartition partition, int nowSeconds, int gcBeforeSeconds, long maxPurgeableTimestampMicros,
        Action? onPurge = null)
    {
        bool Purgeable(long ts, int localDeletion)
        {
            bool purge = localDeletion < gcBeforeSeconds && ts < maxPurgeableTimestampMicros;
            if (purge) onPurge?.Invoke();
            return purge;
        }

        var pd = partition.PartitionDeletion;
        if (!pd.IsLive && Purgeable(pd.MarkedForDeleteAtMicros, pd.LocalDeletionTimeSeconds)) pd = DeletionTime.Live;

        var rts = partition.RangeTombstones
            .Where(rt => !Purgeable(rt.Deletion.MarkedForDeleteAtMicros, rt.Deletion.LocalDeletionTimeSeconds))
            // A range tombstone no newer than the partition deletion adds nothing.
            .Where(rt => pd.IsLive || rt.Deletion.MarkedForDeleteAtMicros > pd.MarkedForDeleteAtMicros)
            .Distinct()
            .ToArray();

        return new PurgedPartition(partition.Key, partition.Token, pd, rts, PurgeRows(partition.Rows));

        IEnumerable<Row> PurgeRows(IEnumerable<Row> rows)
        {
            foreach (var row in rows)
            {
                var deletion = row.Deletion;
                if (!deletion.IsLive && Purgeable(deletion.MarkedForDeleteAtMicros, deletion.LocalDeletionTimeSeconds))
                    deletion = DeletionTime.Live;

                var liveness = row.Liveness;
                if (!liveness.IsEmpty && liveness.TtlSeconds > 0 && nowSeconds >= liveness.ExpiresAtSeconds &&
                    Purgeable(liveness.TimestampMicros, liveness.ExpiresAtSeconds - liveness.TtlSeconds))
                    liveness = LivenessInfo.None;

                var cells = new List<Cell>(row.Cells.Length);
                foreach (var original in row.Cells)
                {
                    var c = original.AsTombstoneIfExpired(nowSeconds);
                    if (c.IsTombstone && Purgeable(c.TimestampMicros, c.LocalDeletionTimeSeconds)) continue;
                    cells.Add(c);
                }
                var result = new Row(row.Clustering, liveness, deletion, cells.ToArray());
                if (!result.IsEmpty) yield return result;
            }
        }
    }
}
