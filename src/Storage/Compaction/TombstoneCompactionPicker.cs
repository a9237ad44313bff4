namespace RingStore.Storage.Compaction;

/// <summary>
/// Picks one SSTable to compact alone because many of its tombstones are droppable (Cassandra's single-SSTable
/// tombstone compaction, used when no regular compaction is due). The ratio comes from the SSTable's deletion-time
/// histogram and is a lower bound. Unless unchecked, an SSTable is only picked when no overlapping SSTable may hold
/// data as old as its newest write: otherwise the purge rule would keep the tombstones and the rewrite would be wasted.
/// Pure: time comes in as arguments.
/// </summary>
public static class TombstoneCompactionPicker
{
    public static SSTableInfo? Pick(IReadOnlyList<SSTableInfo> sstables, long nowSeconds, long gcBeforeSeconds, TombstoneCompactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threshold <= 0) return null;
        long intervalSeconds = (long)options.Interval.TotalSeconds;
        var candidates = sstables
            .Where(s => s.Compactable && s.FirstSeenSeconds <= nowSeconds - intervalSeconds)
            .Select(s => (Info: s, Ratio: s.DeletionTimes.DroppableRatio(gcBeforeSeconds)))
            .Where(c => c.Ratio > options.Threshold)
            .OrderByDescending(c => c.Ratio)
            .ThenBy(c => c.Info.Generation);
        foreach (var (info, _) in candidates)
        {
            if (options.Unchecked) return info;
            bool blocked = sstables.Any(o => o.Generation != info.Generation && o.Overlaps(info) && o.MinTimestampMicros <= info.MaxTimestampMicros);
            if (!blocked) return info;
        }
        return null;
    }
}
