namespace RingStore.Storage.Compaction;

/// <summary>
/// Finds SSTables that can be deleted outright, without reading them (Cassandra's getFullyExpiredSSTables, which
/// every strategy applies before it picks): everything in one expired or was deleted before gc_grace ago
/// (max local deletion time below gcBefore), so it holds nothing live, and it cannot be shadowing anything that
/// would come back without it — its newest timestamp is below the oldest timestamp of every overlapping SSTable
/// that stays, and of the memtables. Dropping one that shadows older data would resurrect that data. Pure.
/// </summary>
public static class FullyExpiredPicker
{
    /// <param name="memtableMinTimestampMicros">Oldest timestamp in any memtable of the table (long.MaxValue if empty).</param>
    public static IReadOnlyList<SSTableInfo> Pick(IReadOnlyList<SSTableInfo> sstables, long memtableMinTimestampMicros, long gcBeforeSeconds)
    {
        var dropped = sstables.Where(s => s.Compactable && s.MaxLocalDeletionTimeSeconds < gcBeforeSeconds).ToList();
        // An SSTable kept back may hold data a remaining candidate shadows: repeat until no candidate changes.
        bool changed = true;
        while (changed && dropped.Count > 0)
        {
            changed = false;
            var staying = sstables.Where(s => !dropped.Contains(s)).ToArray();
            foreach (var candidate in dropped.ToArray())
            {
                long oldestOther = memtableMinTimestampMicros;
                foreach (var other in staying)
                    if (other.Overlaps(candidate)) oldestOther = Math.Min(oldestOther, other.MinTimestampMicros);
                if (candidate.MaxTimestampMicros >= oldestOther)
                {
                    dropped.Remove(candidate);
                    changed = true;
                }
            }
        }
        return dropped;
    }
}
