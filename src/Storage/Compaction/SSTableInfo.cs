using RingStore.Storage.SSTables;

namespace RingStore.Storage.Compaction;

/// <summary>What compaction strategies need to know of an SSTable: pure data, so pickers are pure functions.</summary>
public sealed record SSTableInfo(long Generation, long SizeBytes, long MinTimestampMicros, long MaxTimestampMicros)
{
    /// <summary>Token bounds (inclusive): SSTables whose bounds do not meet hold no partition in common.</summary>
    public long MinToken { get; init; } = long.MinValue;

    public long MaxToken { get; init; } = long.MaxValue;

    /// <summary>The latest second anything in it expires or was deleted; int.MaxValue when some data never expires.</summary>
    public int MaxLocalDeletionTimeSeconds { get; init; } = int.MaxValue;

    /// <summary>Local deletion times of its tombstones and expiring data; empty when unknown (older files).</summary>
    public DeletionTimeHistogram DeletionTimes { get; init; } = DeletionTimeHistogram.Empty;

    /// <summary>When this engine first saw the SSTable (seconds); tombstone compactions wait an interval after it.</summary>
    public long FirstSeenSeconds { get; init; } = long.MinValue;

    /// <summary>Whether it may be a compaction input (a corrupt SSTable still counts for overlaps).</summary>
    public bool Compactable { get; init; } = true;

    public bool Overlaps(SSTableInfo other) => MinToken <= other.MaxToken && other.MinToken <= MaxToken;
}
