using System.Collections.Immutable;
using RingStore.Gossip.Messages;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Protocol;

/// <summary>Conversions between endpoint states and their wire deltas.</summary>
internal static class StateDeltas
{
    /// <summary>The heartbeat plus application states with a version above <paramref name="aboveVersion"/>.</summary>
    public static EndpointStateDelta Newer(string endpoint, EndpointState state, int aboveVersion)
    {
        ApplicationStateEntry[] entries = [];
        if (state.MaxVersion > aboveVersion)
        {
            var list = new List<ApplicationStateEntry>();
            foreach (var (key, value) in state.ApplicationStates)
            {
                if (value.Version > aboveVersion)
                {
                    list.Add(new ApplicationStateEntry((int)key, value.Value, value.Version));
                }
            }
            entries = list.Count == 0 ? [] : [.. list];
        }
        return new EndpointStateDelta(endpoint, state.Heartbeat.Generation, state.Heartbeat.Version, entries);
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
