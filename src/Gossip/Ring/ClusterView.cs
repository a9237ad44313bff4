using System.Globalization;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Ring;

/// <summary>
/// One immutable picture of the cluster built from gossip endpoint states: the ring of token owners
/// (NORMAL, LEAVING and shut-down nodes keep their tokens), the joining (BOOT) members, the leaving endpoints
/// and the pending ranges they cause under one strategy. LEFT nodes and nodes without tokens are not in it.
/// </summary>
public sealed class ClusterSnapshot
{
    private ClusterSnapshot(long sequence, RingSnapshot ring, IReadOnlyList<RingMember> joining, IReadOnlyList<string> leaving, PendingRanges pending)
    {
        Sequence = sequence;
        Ring = ring;
        Joining = joining;
        Leaving = leaving;
        Pending = pending;
    }

    public static ClusterSnapshot Empty { get; } = new(0, RingSnapshot.Empty, [], [], PendingRanges.None);

    /// <summary>Grows by one with every snapshot a <see cref="ClusterView"/> publishes.</summary>
    public long Sequence { get; }

    public RingSnapshot Ring { get; }

    public IReadOnlyList<RingMember> Joining { get; }

    public IReadOnlyList<string> Leaving { get; }

    public PendingRanges Pending { get; }

    /// <summary>Pure: the same states give the same snapshot (endpoints are taken in ordinal order).</summary>
    public static ClusterSnapshot Build(IReadOnlyDictionary<string, EndpointState> states, IReplicationStrategy strategy, long sequence = 0)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(strategy);
        var owners = new List<RingMember>();
        var joining = new List<RingMember>();
        var leaving = new List<string>();
        foreach (var (endpoint, state) in states.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string? status = state.Status;
            IReadOnlyList<Token> tokens = ClusterView.ParseTokens(state.Get(ApplicationState.Tokens));
            if (status is null || status == NodeStatus.Left || tokens.Count == 0)
            {
                continue;
            }
            var member = new RingMember(new NodeInfo(endpoint,
                state.Get(ApplicationState.Datacenter) ?? "dc1", state.Get(ApplicationState.Rack) ?? "rack1"), tokens);
            switch (status)
            {
                case NodeStatus.Boot:
                    joining.Add(member);
                    break;
                case NodeStatus.Leaving:
                    owners.Add(member);
                    leaving.Add(endpoint);
                    break;
                case NodeStatus.Normal:
                case NodeStatus.Shutdown:
                    owners.Add(member);
                    break;
                default:
                    break; // unknown verbs from newer versions: not an owner until it says NORMAL
            }
        }
        RingSnapshot ring = RingSnapshot.Create(owners);
        PendingRanges pending = PendingRangeCalculator.Calculate(ring, joining, leaving, strategy);
        return new ClusterSnapshot(sequence, ring, joining, leaving, pending);
    }
}

/// <summary>
/// Holds the current <see cref="ClusterSnapshot"/>. Readers take <see cref="Current"/> (one volatile read) and
/// use it throughout a request; gossip events that change membership build a new snapshot and publish it with
/// Interlocked.CompareExchange, so readers never see a half-applied change. No clock, no threads of its own.
/// </summary>
public sealed class ClusterView(IReplicationStrategy strategy)
{
    private ClusterSnapshot _current = ClusterSnapshot.Empty;

    public IReplicationStrategy Strategy { get; } = strategy;

    public ClusterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Rebuilds from the gossiper's endpoint states and publishes; returns the snapshot published.</summary>
    public ClusterSnapshot Refresh(IReadOnlyDictionary<string, EndpointState> states)
    {
        while (true)
        {
            ClusterSnapshot seen = Volatile.Read(ref _current);
            ClusterSnapshot next = ClusterSnapshot.Build(states, Strategy, seen.Sequence + 1);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _current, next, seen), seen))
            {
                return next;
            }
        }
    }

    /// <summary>Refreshes only for events that can change the ring; up/down and e.g. LOAD changes do not.</summary>
    public ClusterSnapshot OnEvent(GossipEvent gossipEvent, IReadOnlyDictionary<string, EndpointState> states)
    {
        ArgumentNullException.ThrowIfNull(gossipEvent);
        return ChangesMembership(gossipEvent) ? Refresh(states) : Current;
    }

    public static bool ChangesMembership(GossipEvent e) => e.Kind switch
    {
        GossipEventKind.Joined or GossipEventKind.Left or GossipEventKind.Removed or GossipEventKind.Restarted => true,
        GossipEventKind.StateChanged => e.State is ApplicationState.Status or ApplicationState.Tokens
            or ApplicationState.Datacenter or ApplicationState.Rack,
        _ => false,
    };

    /// <summary>TOKENS value: decimal tokens separated by commas.</summary>
    public static string FormatTokens(IEnumerable<Token> tokens) =>
        string.Join(',', tokens.Select(t => t.Value.ToString(CultureInfo.InvariantCulture)));

    public static IReadOnlyList<Token> ParseTokens(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return [];
        }
        return [.. value.Split(',').Select(s => new Token(long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)))];
    }
}
