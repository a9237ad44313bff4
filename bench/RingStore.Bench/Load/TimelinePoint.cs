namespace RingStore.Bench.Load;

/// <summary>One second of a run: successful requests (= throughput), failures, wrong answers and latency percentiles.</summary>
public sealed record TimelinePoint(int Second, long Ops, long WriteOps, long ReadOps, long Failed, long Wrong, double P50Ms, double P99Ms);
