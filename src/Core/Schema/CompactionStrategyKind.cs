namespace RingStore.Core.Schema;

/// <summary>Which compaction strategy a table uses. Persisted: explicit values, append-only.</summary>
public enum CompactionStrategyKind : byte
{
    /// <summary>Merge SSTables of similar size (Cassandra's STCS); the default.</summary>
    SizeTiered = 0,
    /// <summary>Group SSTables by the time window of their newest write (Cassandra's TWCS), for time-bucketed tables.</summary>
    TimeWindow = 1,
}
