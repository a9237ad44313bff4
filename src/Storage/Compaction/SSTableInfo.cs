namespace RingStore.Storage.Compaction;

/// <summary>What compaction strategies need to know of an SSTable: pure data, so pickers are pure functions.</summary>
public sealed record SSTableInfo(long Generation, long SizeBytes, long MinTimestampMicros, long MaxTimestampMicros);
