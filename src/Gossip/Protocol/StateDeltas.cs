using System.Collections.Immutable;
using RingStore.Gossip.Messages;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Protocol;

/// <summary>Conversions between endpoint states and their wire deltas.</summary>
internal static class StateDeltas
{
    /// <summary>The heartbeat plus application states with a version above <paramref name="aboveVersion"/>.</summary>
    public static EndpointStateDelta Newer(string endpoint, EndpointState state, int aboveVersion) =>
        Newer(endpoint, state.Heartbeat, state, aboveVersion);

    /// <summary><see cref="Newer(string, EndpointState, int)"/> of a peer, without materializing its full state.</summary>
    public static EndpointStateDelta Newer(PeerEntry peer, int aboveVersion) =>
        Newer(peer.Endpoint, peer.Heartbeat, peer.Applications, aboveVersion);

    private static EndpointStateDelta Newer(string endpoint, HeartbeatState heartbeat, EndpointState applications, int aboveVersion)
    {
        ApplicationStateEntry[] entries = [];
        // Only application versions matter here: when just the heartbeat is newer (nearly every delta) the
        // entries are empty, so skip walking the immutable dictionary.
        if (applications.MaxApplicationVersion > aboveVersion)
        {
            var list = new List<ApplicationStateEntry>();
            foreach (var (key, value) in applications.ApplicationStates)
            {
                if (value.Version > aboveVersion)
                {
                    list.Add(new ApplicationStateEntry((int)key, value.Value, value.Version));
                }
            }
            entries = [.. list];
        }
        return new EndpointStateDelta(endpoint, heartbeat.Generation, heartbeat.Version, entries);
    }

    public static EndpointState ToState(EndpointStateDelta delta)
    {
        var builder = ImmutableDictionary.CreateBuilder<ApplicationState, VersionedValue>();
        foreach (var entry in delta.ApplicationStates)
        {
            builder[(ApplicationState)entry.Key] = new VersionedValue(entry.Value, entry.Version);
        }
        return new EndpointState(new HeartbeatState(delta.Generation, delta.HeartbeatVersion), builder.ToImmutable());
    }
}
