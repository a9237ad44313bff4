using RingStore.Gossip.FailureDetection;

namespace RingStore.Gossip.Protocol;

/// <summary>Gossip tuning. Durations are TimeSpans; the caller's timer decides when to call Tick.</summary>
public sealed record GossiperOptions
{
    public string ClusterName { get; init; } = "ringstore";

    /// <summary>Seed endpoints: where a node with no live peers gossips to, and where partitions re-merge.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromSeconds(1);

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
}
