using System.Collections.Concurrent;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Ring;

/// <summary>
/// One immutable picture of the cluster as this node's gossip sees it: every endpoint's state, which ones are
/// alive, and (built lazily per replication strategy, then cached) the ring with its pending ranges. A request
/// takes one snapshot and uses it throughout, so a membership change mid-request cannot mix two rings.
/// </summary>
public sealed class MembershipSnapshot
{
    private static readonly SimpleStrategy PrimaryOnly = new(1);
    private readonly ConcurrentDictionary<IReplicationStrategy, ClusterSnapshot> _byStrategy = new();
    private readonly IReadOnlySet<string> _live;
    private readonly Dictionary<string, MemberInfo> _byEndpoint;

    public MembershipSnapshot(long sequence, string localEndpoint, IReadOnlyDictionary<string, EndpointState> states, IReadOnlySet<string> live)
    {
        Sequence = sequence;
        LocalEndpoint = localEndpoint;
        States = states;
        _live = live;
        Members = states
            .Select(p => new MemberInfo(p.Key, p.Value, p.Key == localEndpoint || live.Contains(p.Key)))
            .OrderBy(m => m.Endpoint, StringComparer.Ordinal)
            .ToArray();
        _byEndpoint = Members.ToDictionary(m => m.Endpoint, StringComparer.Ordinal);
        // Every request reads this: computed once per snapshot, not per request.
        LocalDatacenter = Find(localEndpoint)?.Datacenter ?? "dc1";
    }

    public long Sequence { get; }

    public string LocalEndpoint { get; }

    public IReadOnlyDictionary<string, EndpointState> States { get; }

    public IReadOnlyList<MemberInfo> Members { get; }

    /// <summary>Token owners (strategy-independent part of the ring); built on first use, then cached.</summary>
    public RingSnapshot Ring => Resolved.Ring;

    /// <summary>
    /// Every endpoint's resolved ring role (NORMAL, joining, leaving, removed...) and the token owners: what status,
    /// netstats and the topology checks read. Roles do not depend on the replication strategy; this is the RF-1 build.
    /// </summary>
    public ClusterSnapshot Resolved => For(PrimaryOnly);

    public bool IsAlive(string endpoint) => endpoint == LocalEndpoint || _live.Contains(endpoint);

    public MemberInfo? Find(string endpoint) => _byEndpoint.GetValueOrDefault(endpoint);

    public MemberInfo? FindByHostId(Guid hostId) => Members.FirstOrDefault(m => m.HostId == hostId);

    /// <summary>Ring plus pending ranges for one keyspace's strategy; cached for the life of this snapshot.</summary>
    public ClusterSnapshot For(IReplicationStrategy strategy) =>
        _byStrategy.GetOrAdd(strategy, s => ClusterSnapshot.Build(States, s, Sequence));

    public string LocalDatacenter { get; }
}
