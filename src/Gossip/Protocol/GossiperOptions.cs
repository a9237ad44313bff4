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

    public FailureDetectorOptions FailureDetector { get; init; } = new();
}
