namespace RingStore.Client.Policies;

/// <summary>Tuning of <see cref="NodeHealth"/> (the defaults are DataStax's latency-aware policy's, but for the retry period).</summary>
public sealed record LatencyAwareOptions
{
    /// <summary>False: keep the token-aware order and only move suspected nodes (missed a deadline) last.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A node whose average latency is above this multiple of the best node's is tried after the others.</summary>
    public double ExclusionThreshold { get; init; } = 2.0;

    /// <summary>
    /// ...and at least this much slower than the best in absolute terms: on a busy machine sub-millisecond averages differ
    /// by 2x from jitter alone, and reordering on that would move a partition's requests off its usual replica (which a
    /// ONE read after a ONE write relies on) for nothing.
    /// </summary>
    public TimeSpan MinimumDifference { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Decay time constant of the average: samples older than a few of these hardly count.</summary>
    public TimeSpan Scale { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Samples a node needs before its average is trusted.</summary>
    public int MinimumSamples { get; init; } = 20;

    /// <summary>
    /// After this long without an answer or a sample, a slow or suspected node is tried in its normal place again (DataStax:
    /// 10 s; 2 s here so that a node back from a 10 s freeze takes load again within a couple of seconds).
    /// </summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
