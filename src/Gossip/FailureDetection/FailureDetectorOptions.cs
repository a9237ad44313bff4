namespace RingStore.Gossip.FailureDetection;

/// <summary>Phi-accrual tuning. Defaults follow Cassandra.</summary>
public sealed record FailureDetectorOptions
{
    /// <summary>Convict when phi exceeds this (8 ~ a 1e-8 chance the node is merely slow, under the exponential model).</summary>
    public double PhiConvictThreshold { get; init; } = 8.0;

    /// <summary>Inter-arrival intervals kept per endpoint.</summary>
    public int WindowSize { get; init; } = 1000;

    /// <summary>
    /// Assumed interval before any has been measured (2 x gossip interval), and the longest interval recorded:
    /// a long partition or restart must not inflate the mean and make the detector blind for minutes.
    /// </summary>
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// If the detector itself was not run for this long (GC pause, VM stall), every peer looks silent:
    /// refuse to convict anyone until this much time has passed since the pause.
    /// </summary>
    public TimeSpan MaxLocalPause { get; init; } = TimeSpan.FromSeconds(5);
}
