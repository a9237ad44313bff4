using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// Whether a write that a replica missed (it was down, or did not ack in time) is stored as a hint for later
/// delivery. Past <see cref="MaxHintWindow"/> of downtime no more hints are kept for it: a node down that long
/// needs a full repair anyway, and unbounded hints would fill the coordinator's disk (Cassandra's
/// max_hint_window). A replica that timed out while seen alive has zero downtime and is hinted.
/// </summary>
public sealed record HintPolicy(TimeSpan MaxHintWindow, bool Enabled = true)
{
    /// <summary>Datacenters whose replicas are never hinted (Cassandra's hinted_handoff_disabled_datacenters).</summary>
    public IReadOnlySet<string> DisabledDatacenters { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <param name="replica">The replica that missed the write.</param>
    /// <param name="downtime">How long it has been seen down; zero if it is seen alive (a timeout).</param>
    public bool ShouldHint(NodeInfo replica, TimeSpan downtime)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return Enabled && !DisabledDatacenters.Contains(replica.Datacenter) && downtime <= MaxHintWindow;
    }
}
