namespace RingStore.Storage.Compaction;

/// <summary>
/// Time-window compaction (Cassandra's TWCS) for time-bucketed tables: SSTables are grouped by the
/// window that holds their newest write. The newest window is compacted size-tiered while it is
/// still being written; an older window is compacted down to one SSTable, after which it is never
/// touched again — so old data is not rewritten over and over, and expired windows drop whole.
/// </summary>
public static class TimeWindowPicker
{
    public static long WindowOf(long timestampMicros, TimeSpan window)
    {
        long size = Math.Max(1, (long)window.TotalMicroseconds);
        return (long)Math.Floor((double)timestampMicros / size);
    }

    public static IReadOnlyList<SSTableInfo> Pick(IReadOnlyList<SSTableInfo> sstables, TimeSpan window, int minThreshold, int maxThreshold)
    {
        if (sstables.Count == 0) return [];
        var byWindow = sstables.GroupBy(s => WindowOf(s.MaxTimestampMicros, window)).OrderByDescending(g => g.Key).ToArray();
        var newest = byWindow[0].ToArray();
        var pick = SizeTieredPicker.Pick(newest, minThreshold, maxThreshold);
        if (pick.Count > 0) return pick;
        foreach (var older in byWindow.Skip(1))
            if (older.Count() >= 2) return older.OrderBy(s => s.Generation).Take(maxThreshold).ToArray();
        return [];
    }

    public static int PendingCount(IReadOnlyList<SSTableInfo> sstables, TimeSpan window, int minThreshold)
    {
        if (sstables.Count == 0) return 0;
        var byWindow = sstables.GroupBy(s => WindowOf(s.MaxTimestampMicros, window)).OrderByDescending(g => g.Key).ToArray();
        return SizeTieredPicker.PendingCount(byWindow[0].ToArray(), minThreshold) + byWindow.Skip(1).Count(g => g.Count() >= 2);
    }
}
