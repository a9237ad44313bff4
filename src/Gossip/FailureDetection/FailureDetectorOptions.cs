namespace RingStore.Gossip.FailureDetection;

/// <summary>
/// Phi-accrual tuning. The defaults go with the default 200 ms gossip interval (<see cref="ForGossipInterval"/>);
/// <see cref="Cassandra"/> is the previous, Cassandra-like tuning for a 1 s interval (phi 8: convicts after ~20 s).
/// </summary>
public sealed record FailureDetectorOptions
{
    /// <summary>
    /// Default threshold for the 200 ms interval. phi is silence / mean interval / ln 10, so 4 means about 9.2 mean
    /// heartbeat intervals of silence (~3 s once the mean has settled near 300 ms): long enough to ride through a 2 s
    /// stall of a peer and 10 % message loss, short enough that the last of 1,000 observers convicts a dead node within
    /// 5 s (the last heartbeat needs a few rounds to reach everyone; measured in bench/README-gossip.md).
    /// </summary>
    public const double DefaultPhi = 4.0;

    /// <summary>Convict when phi exceeds this (under the exponential model, a 10^-phi chance the node is merely slow).</summary>
    public double PhiConvictThreshold { get; init; } = DefaultPhi;

    /// <summary>Inter-arrival intervals kept per endpoint.</summary>
    public int WindowSize { get; init; } = 1000;

    /// <summary>
    /// Assumed interval before any has been measured (2 x gossip interval), and the longest interval recorded:
    /// a long partition or restart must not inflate the mean and make the detector blind for minutes.
    /// </summary>
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// Longest interval recorded (null: <see cref="InitialInterval"/>, as Cassandra). Longer than the initial estimate
    /// so that under message loss the mean grows with the real gaps (phi stays calibrated and fewer live nodes are
    /// convicted) while a partition or restart (seconds of silence) still does not enter the mean.
    /// </summary>
    public TimeSpan? MaxRecordedInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// If the detector itself was not run for this long (GC pause, VM stall), every peer looks silent:
    /// refuse to convict anyone until this much time has passed since the pause (4 x gossip interval: a stall
    /// shorter than this adds less silence than the ~12 intervals conviction needs; after it, the gossiper's fan-out
    /// exchanges of the first round refresh every live peer's heartbeat, and four rounds leave room for lost messages).
    /// Deliberately not <see cref="MinimumSilence"/>: an observer that stalls once a few seconds would then hardly ever
    /// convict a dead peer (measured: 8-10 s, or not within 10 s, with a fifth of a 10-node cluster frozen at a time).
    /// </summary>
    public TimeSpan MaxLocalPause { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// Never convict a peer heard from less than this long ago, whatever phi says (Akka's "acceptable heartbeat pause").
    /// In small clusters fresh heartbeats arrive every round, the mean is short and phi 4 alone would convict after
    /// ~2.3 s: a peer frozen for 2 s (a GC, a stuck disk) would flap down and up. 3 s is a 2 s stall plus a few rounds
    /// of spread; in large clusters phi's own threshold is already past it.
    /// </summary>
    public TimeSpan MinimumSilence { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The tuning used before detection had a 5 s bound: Cassandra's phi 8 at a 1 s gossip interval.</summary>
    public static FailureDetectorOptions Cassandra { get; } = new()
    {
        PhiConvictThreshold = 8.0,
        InitialInterval = TimeSpan.FromSeconds(2),
        MaxRecordedInterval = null,
        MinimumSilence = TimeSpan.Zero,
        MaxLocalPause = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// Initial interval, longest recorded interval, local-pause guard and minimum silence scaled to a gossip interval
    /// (2 x, 5 x, 4 x, 15 x: the defaults at 200 ms), with the given threshold.
    /// </summary>
    public static FailureDetectorOptions ForGossipInterval(TimeSpan gossipInterval, double phiConvictThreshold) => new()
    {
        PhiConvictThreshold = phiConvictThreshold,
        InitialInterval = gossipInterval * 2,
        MaxRecordedInterval = gossipInterval * 5,
        MaxLocalPause = gossipInterval * 4,
        MinimumSilence = gossipInterval * 15,
    };
}
