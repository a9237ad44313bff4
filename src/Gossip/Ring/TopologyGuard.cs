namespace RingStore.Gossip.Ring;

/// <summary>
/// The checks that keep topology changes one at a time and safe, as pure functions of resolved membership.
/// Each returns null when the operation may go ahead, or the reason it may not (shown to the operator).
/// </summary>
public static class TopologyGuard
{
    /// <summary>Another join, leave, removal or replacement in flight (Cassandra refuses concurrent range movements too).</summary>
    public static string? OperationInProgress(IEnumerable<ResolvedMember> members, string? exceptEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        foreach (var m in members)
        {
            if (m.Endpoint == exceptEndpoint) continue;
            string? what = m.Role switch
            {
                MemberRole.Joining => "joining",
                MemberRole.Leaving => "leaving",
                MemberRole.Removing => "being removed",
                MemberRole.BeingReplaced => "being replaced",
                _ => null,
            };
            if (what is not null)
                return $"another topology change is in progress: {m.Endpoint} (host {m.HostId}) is {what}; wait until it finishes (ringstore status, ringstore netstats)";
        }
        return null;
    }

    /// <summary>Whether the ring would still hold every replica the strategy asks for (per datacenter for NTS).</summary>
    public static string? InsufficientReplicas(RingSnapshot future, IReplicationStrategy strategy, string keyspace)
    {
        ArgumentNullException.ThrowIfNull(future);
        ArgumentNullException.ThrowIfNull(strategy);
        if (future.IsEmpty) return $"no node would be left to hold keyspace {keyspace}";
        int have = future.GetNaturalReplicas(future.TokenAt(0), strategy).Count;
        return have < strategy.TotalReplicationFactor
            ? $"keyspace {keyspace} needs {strategy.TotalReplicationFactor} replicas, but only {have} nodes would remain to hold them"
            : null;
    }
}
