namespace RingStore.Bench.Cluster;

/// <summary>A running phase's counters so far, for a live progress line.</summary>
public readonly record struct LoadProgress(long Completed, long Failed, TimeSpan Elapsed)
{
    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;
}
