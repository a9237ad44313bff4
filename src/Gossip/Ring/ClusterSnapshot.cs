using RingStore.Core.Partitioning;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Ring;

/// <summary>
/// One immutable picture of the cluster built from gossip endpoint states: the ring of token owners (NORMAL,
/// LEAVING, shut-down, removing and being-replaced nodes keep their tokens), the joining (BOOT) members, the
/// endpoints leaving the ring and the pending ranges they cause under one strategy. Roles come from
/// <see cref="MembershipResolver"/>; LEFT, removed, replaced and conflicting members are not in the ring.
/// </summary>
public sealed class ClusterSnapshot
{
    private readonly Dictionary<string, ResolvedMember> _byEndpoint;
    private readonly IReplicationStrategy? _strategy;
    private NodeInfo[][]? _naturalByVnode; // built on the first request, then read by every request of this version

    private ClusterSnapshot(long sequence, RingSnapshot ring, IReadOnlyList<RingMember> joining, IReadOnlyList<string> leaving,
        PendingRanges pending, IReadOnlyList<ResolvedMember> members, IReplicationStrategy? strategy)
    {
        _strategy = strategy;
        Sequence = sequence;
        Ring = ring;
        Joining = joining;
        Leaving = leaving;
        Pending = pending;
        Members = members;
        _byEndpoint = members.ToDictionary(m => m.Endpoint, StringComparer.Ordinal);
    }

    public static ClusterSnapshot Empty { get; } = new(0, RingSnapshot.Empty, [], [], PendingRanges.None, [], null);

    /// <summary>The <see cref="MembershipSnapshot.Sequence"/> it was built from: grows with every published membership.</summary>
    public long Sequence { get; }

    public RingSnapshot Ring { get; }

    public IReadOnlyList<RingMember> Joining { get; }

    /// <summary>Owners that will not own anything once the moves in flight finish (leaving, removing, being replaced).</summary>
    public IReadOnlyList<string> Leaving { get; }

    public PendingRanges Pending { get; }

    /// <summary>Every gossiped endpoint with its resolved role.</summary>
    public IReadOnlyList<ResolvedMember> Members { get; }

    public ResolvedMember? Member(string endpoint) => _byEndpoint.GetValueOrDefault(endpoint);

    /// <summary>The ring once every move in flight has finished (joiners in, leavers out).</summary>
    public RingSnapshot FutureRing()
    {
        var leaving = new HashSet<string>(Leaving, StringComparer.Ordinal);
        var joining = new HashSet<string>(Joining.Select(j => j.Node.Endpoint), StringComparer.Ordinal);
        return RingSnapshot.Create(Ring.Members.Where(m => !leaving.Contains(m.Node.Endpoint) && !joining.Contains(m.Node.Endpoint)).Concat(Joining));
    }

    /// <summary>Pure: the same states give the same snapshot (endpoints are taken in ordinal order).</summary>
    public static ClusterSnapshot Build(IReadOnlyDictionary<string, EndpointState> states, IReplicationStrategy strategy, long sequence = 0)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(strategy);
        IReadOnlyList<ResolvedMember> members = MembershipResolver.Resolve(states);
        var owners = new List<RingMember>();
        var joining = new List<RingMember>();
        var leaving = new List<string>();
        foreach (var m in members)
        {
            var ringMember = new RingMember(m.Node, m.Tokens);
            switch (m.Role)
            {
                case MemberRole.Joining:
                    joining.Add(ringMember);
                    break;
                case MemberRole.Leaving or MemberRole.Removing or MemberRole.BeingReplaced:
                    owners.Add(ringMember);
                    leaving.Add(m.Endpoint);
                    break;
                case MemberRole.Normal:
                    owners.Add(ringMember);
                    break;
                default:
                    break;
            }
        }
        RingSnapshot ring = RingSnapshot.Create(owners);
        PendingRanges pending = PendingRangeCalculator.Calculate(ring, joining, leaving, strategy);
        return new ClusterSnapshot(sequence, ring, joining, leaving, pending, members, strategy);
    }

    /// <summary>
    /// The token's natural replicas under this snapshot's strategy, primary first, as <see cref="RingSnapshot.GetNaturalReplicas"/>
    /// computes them, but from a list per vnode computed once per snapshot (one ring version and strategy): a request
    /// pays a binary search and allocates nothing. The list is shared: callers must not change it.
    /// </summary>
    public IReadOnlyList<NodeInfo> NaturalReplicasFor(Token token)
    {
        if (Ring.IsEmpty || _strategy is null) return [];
        var byVnode = Volatile.Read(ref _naturalByVnode) ?? BuildNaturalReplicas(_strategy);
        return byVnode[Ring.FindVnode(token)];
    }

    private NodeInfo[][] BuildNaturalReplicas(IReplicationStrategy strategy)
    {
        var placement = new ReplicaPlacement(Ring, strategy);
        var nodes = Ring.Topology.Nodes;
        var byVnode = new NodeInfo[Ring.VnodeCount][];
        for (int v = 0; v < byVnode.Length; v++)
        {
            ReadOnlySpan<int> replicas = placement.ReplicasOfVnode(v);
            var list = new NodeInfo[replicas.Length];
            for (int r = 0; r < replicas.Length; r++) list[r] = nodes[replicas[r]];
            byVnode[v] = list;
        }

        // Two first requests may build it at once: the same content, one of them kept.
        return Interlocked.CompareExchange(ref _naturalByVnode, byVnode, null) ?? byVnode;
    }
}
