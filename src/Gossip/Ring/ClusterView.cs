using System.Globalization;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Ring;

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
        GossipEventKind.StateChanged => e.State is ApplicationState.Status or ApplicationState.Tokens or ApplicationState.HostId
            or ApplicationState.Removal or ApplicationState.Replacing
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
