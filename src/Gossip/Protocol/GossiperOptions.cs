using RingStore.Gossip.FailureDetection;

namespace RingStore.Gossip.Protocol;

/// <summary>Gossip tuning. Durations are TimeSpans; the caller's timer decides when to call Tick.</summary>
public sealed record GossiperOptions
{
    public string ClusterName { get; init; } = "ringstore";

    /// <summary>Seed endpoints: where a node with no live peers gossips to, and where partitions re-merge.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>
    /// 200 ms (Cassandra: 1 s) so a dead node is convicted within 5 s: conviction waits ~9 mean heartbeat intervals of
    /// silence plus the few rounds the last heartbeat takes to spread. Costs 5 x the gossip bytes per second of a 1 s
    /// interval (bench/README-gossip.md); <see cref="Cassandra"/> keeps the old tuning.
    /// </summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a LEFT node stays known (so every peer learns it left) before it is forgotten.</summary>
    public TimeSpan QuarantineDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a LEFT node's state is kept and gossiped before it is forgotten (Cassandra keeps LEFT for 3 days).
    /// Much longer than <see cref="QuarantineDelay"/> on purpose: while anyone still holds the LEFT state, a node that
    /// was cut off and comes back with the leaver's older NORMAL or LEAVING state is corrected instead of spreading it
    /// (with forgetting after one quarantine, a node cut off for two of them brought the leaver back into the ring).
    /// </summary>
    public TimeSpan LeftStateRetention { get; init; } = TimeSpan.FromDays(3);

    public FailureDetectorOptions FailureDetector { get; init; } = new();

    /// <summary>
    /// Peers the first round after a stall of this process (no round for longer than the detector's MaxLocalPause:
    /// GC, VM freeze) sends its SYN to, instead of one: its fresh heartbeat then reaches that many peers at once and
    /// the rest within a round or two, so peers see about the stall as silence and not the stall plus log2 N rounds of
    /// spread. Costs that many SYNs (a digest per endpoint each) once per stall.
    /// </summary>
    public int SynFanoutAfterLocalPause { get; init; } = 16;

    /// <summary>The tuning before the 5 s detection bound: 1 s rounds, phi 8 (dead nodes convicted after ~20-30 s).</summary>
    public static GossiperOptions Cassandra { get; } = new()
    {
        GossipInterval = TimeSpan.FromSeconds(1),
        FailureDetector = FailureDetectorOptions.Cassandra,
    };
}
