using RingStore.Core.Consistency;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// Where one write goes and how many acks it needs. <see cref="Targets"/> are the live natural and pending
/// replicas (the coordinator sends to all of them, the local one straight to the engine); <see cref="Down"/>
/// are replicas believed down, which get a hint instead. <see cref="BlockForByDatacenter"/> is filled only for
/// EACH_QUORUM under NetworkTopologyStrategy; LOCAL_* levels count only acks from <see cref="LocalDatacenter"/>.
/// </summary>
public sealed record WritePlan(
    ConsistencyLevel Consistency,
    string LocalDatacenter,
    IReadOnlyList<NodeInfo> Targets,
    IReadOnlyList<NodeInfo> Down,
    int BlockFor,
    IReadOnlyDictionary<string, int> BlockForByDatacenter)
{
    /// <summary>Whether an ack from this replica counts toward <see cref="BlockFor"/> (LOCAL_* count only the local DC).</summary>
    public bool CountsToward(NodeInfo replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return !ConsistencyMath.IsDatacenterLocal(Consistency) ||
               string.Equals(replica.Datacenter, LocalDatacenter, StringComparison.Ordinal);
    }
}
