namespace RingStore.Core.Data;

/// <summary>
/// The merge rule, one pure function used everywhere (memtable, reads, compaction, read repair):
/// the higher timestamp wins; on a tie a tombstone beats a live value; on a tie between values the
/// greater value (unsigned bytes) wins — except that, as in Cassandra since CASSANDRA-14592, an
/// expiring value beats a regular one on a timestamp tie, and of two expiring values the one that
/// expires first wins. Expiring cells turn into tombstones when compaction sees them expired; this
/// ranking (tombstone > expiring > regular) makes that conversion never change which cell wins, so
/// the answer does not depend on when a replica happened to compact.
/// Being commutative, associative and idempotent is what lets replicas converge whatever order
/// they see writes in.
/// </summary>
public static class Reconcile
{
    public static Cell Cells(Cell a, Cell b)
    {
        if (a.TimestampMicros != b.TimestampMicros) return a.TimestampMicros > b.TimestampMicros ? a : b;
        if (a.IsTombstone != b.IsTombstone) return a.IsTombstone ? a : b;
        if (a.IsTombstone)
        {
            if (a.LocalDeletionTimeSeconds != b.LocalDeletionTimeSeconds)
                return a.LocalDeletionTimeSeconds > b.LocalDeletionTimeSeconds ? a : b;
            return a.TtlSeconds >= b.TtlSeconds ? a : b;
        }
        if (a.IsExpiring != b.IsExpiring) return a.IsExpiring ? a : b;
        if (a.IsExpiring && a.LocalDeletionTimeSeconds != b.LocalDeletionTimeSeconds)
            return a.LocalDeletionTimeSeconds < b.LocalDeletionTimeSeconds ? a : b;
        int cmp = a.Value.AsSpan().SequenceCompareTo(b.Value);
        if (cmp != 0) return cmp > 0 ? a : b;
        if (a.LocalDeletionTimeSeconds != b.LocalDeletionTimeSeconds)
            return a.LocalDeletionTimeSeconds > b.LocalDeletionTimeSeconds ? a : b;
        // Same expiry reached with different TTLs (written at different local times): any fixed
        // choice will do, but it must not depend on argument order.
        return a.TtlSeconds >= b.TtlSeconds ? a : b;
    }

    public static LivenessInfo Liveness(LivenessInfo a, LivenessInfo b)
    {
        if (a.TimestampMicros != b.TimestampMicros) return a.TimestampMicros > b.TimestampMicros ? a : b;
        if (a.ExpiresAtSeconds != b.ExpiresAtSeconds) return a.ExpiresAtSeconds > b.ExpiresAtSeconds ? a : b;
        return a.TtlSeconds >= b.TtlSeconds ? a : b; // keeps the merge commutative

    }

    /// <summary>Merges two versions of the same row (same clustering key).</summary>
    public static Row Rows(Row a, Row b)
    {
        var cells = MergeCells(a.Cells, b.Cells);
        return new Row(a.Clustering, Liveness(a.Liveness, b.Liveness), DeletionTime.Max(a.Deletion, b.Deletion), cells);
    }

    /// <summary>Merges two cell arrays sorted by column.</summary>
    public static Cell[] MergeCells(Cell[] a, Cell[] b)
    {
        if (a.Length == 0) return b;
        if (b.Length == 0) return a;
        var result = new List<Cell>(Math.Max(a.Length, b.Length));
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (j == b.Length || (i < a.Length && a[i].Column < b[j].Column)) result.Add(a[i++]);
            else if (i == a.Length || b[j].Column < a[i].Column) result.Add(b[j++]);
            else result.Add(Cells(a[i++], b[j++]));
        }
        return result.ToArray();
    }

    /// <summary>
    /// Removes what <paramref name="deletion"/> (the strongest partition/range/row deletion over this
    /// row) shadows. Returns null when nothing is left.
    /// </summary>
    public static Row? ApplyDeletion(Row row, DeletionTime deletion)
    {
        var effective = DeletionTime.Max(deletion, row.Deletion);
        if (effective.IsLive) return row;
        var liveness = effective.Shadows(row.Liveness.TimestampMicros) ? LivenessInfo.None : row.Liveness;
        var kept = Array.FindAll(row.Cells, c => !effective.Shadows(c.TimestampMicros));
        if (liveness.Equals(row.Liveness) && kept.Length == row.Cells.Length) return row.IsEmpty ? null : row;
        var result = new Row(row.Clustering, liveness, row.Deletion, kept);
        return result.IsEmpty ? null : result;
    }
}
