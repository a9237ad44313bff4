namespace RingStore.Storage.Hints;

/// <summary>
/// Undelivered hints for one target host: how many and their size in bytes (hint records: 9-byte header + the
/// serialized mutation). Expired hints count until a replay drops them. Approximate while appends or a replay are in flight.
/// </summary>
public readonly record struct HintTargetStats(long PendingCount, long PendingBytes);
