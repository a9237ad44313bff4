namespace RingStore.Storage.Engine;

/// <summary>Latency percentiles in microseconds.</summary>
public sealed record LatencySummary(long Count, long P50Micros, long P95Micros, long P99Micros, long MaxMicros);
