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

    private ClusterSnapshot(long sequence, RingSnapshot ring, IReadOnlyList<RingMember> joining, IReadOnlyList<string> leaving,
        PendingRanges pending, IReadOnlyList<ResolvedMember> members)
    {
        Sequence = sequence;
        Ring = ring;
        Joining = joining;
        Leaving = leaving;
        Pending = pending;
        Members = members;
        _byEndpoint = members.ToDictionary(m => m.Endpoint, StringComparer.Ordinal);
    }

    public static ClusterSnapshot Empty { get; } = new(0, RingSnapshot.Empty, [], [], PendingRanges.None, []);

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
        return new ClusterSnapshot(sequence, ring, joining, leaving, pending, members);
    }
}
