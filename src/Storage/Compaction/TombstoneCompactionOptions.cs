namespace RingStore.Storage.Compaction;

/// <summary>
/// When an SSTable is compacted alone to purge its tombstones (Cassandra's tombstone_threshold,
/// tombstone_compaction_interval and unchecked_tombstone_compaction sub-options, with their defaults). Engine-wide:
/// the table schema has no sub-options for these.
/// </summary>
public sealed record TombstoneCompactionOptions
{
    /// <summary>Share of an SSTable's cells and deletions droppable (past gc_grace) that makes it worth compacting; 0 disables.</summary>
    public double Threshold { get; init; } = 0.2;

    /// <summary>An SSTable is not considered until this long after it appeared (so its own output is not redone at once).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Compact even when overlapping SSTables with older data would keep the tombstones from being purged.</summary>
    public bool Unchecked { get; init; }
}
