using HdrHistogram;

namespace RingStore.Bench.Cluster;

/// <summary>What one closed-loop phase measured. Latencies are in microseconds, successful requests only.</summary>
public sealed record LoadPhaseResult(long Completed, long Failed, long Misses, TimeSpan Elapsed, LongHistogram LatencyMicros)
{
    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    public double PercentileMs(double percentile) =>
        LatencyMicros.TotalCount == 0 ? 0 : LatencyMicros.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMs => LatencyMicros.TotalCount == 0 ? 0 : LatencyMicros.GetMaxValue() / 1000.0;

    /// <summary>Paced phases: the worst latency of the requests scheduled in each second (a stall's timeline).</summary>
    public IReadOnlyList<double> MaxMsPerSecond { get; init; } = [];
}
