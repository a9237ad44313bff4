using RingStore.Core.Consistency;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// Whom one read asks. <see cref="Contacts"/> are ordered by recent latency: the first is asked for data, the
/// rest (up to blockFor) for digests. <see cref="SpeculativeCandidate"/> is the next best live replica, asked
/// once if a contact is slower than the table's speculative-retry threshold (null when none is left).
/// <see cref="Candidates"/> is every eligible live replica in latency order. <see cref="BlockForByDatacenter"/>
/// is filled only for EACH_QUORUM under NetworkTopologyStrategy.
/// </summary>
public sealed record ReadPlan(
    ConsistencyLevel Consistency,
    string LocalDatacenter,
    IReadOnlyList<NodeInfo> Contacts,
    NodeInfo? SpeculativeCandidate,
    int BlockFor,
    IReadOnlyDictionary<string, int> BlockForByDatacenter,
    IReadOnlyList<NodeInfo> Candidates)
{
    public NodeInfo DataReplica => Contacts[0];

    public IEnumerable<NodeInfo> DigestReplicas => Contacts.Skip(1);

    /// <summary>Whether a response from this replica counts toward <see cref="BlockFor"/> (LOCAL_* count only the local DC).</summary>
    public bool CountsToward(NodeInfo replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return !ConsistencyMath.IsDatacenterLocal(Consistency) ||
               string.Equals(replica.Datacenter, LocalDatacenter, StringComparison.Ordinal);
    }
}
