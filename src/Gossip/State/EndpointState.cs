using System.Collections.Immutable;

namespace RingStore.Gossip.State;

/// <summary>
/// Everything known about one endpoint: heartbeat plus versioned application states. Immutable, so gossip
/// can hand the same object to snapshots and to other in-process simulated nodes without copying.
/// </summary>
public sealed class EndpointState
{
    private EndpointState(HeartbeatState heartbeat, ImmutableDictionary<ApplicationState, VersionedValue> applicationStates,
        int maxApplicationVersion, string? status)
    {
        Heartbeat = heartbeat;
        ApplicationStates = applicationStates;
        MaxApplicationVersion = maxApplicationVersion;
        Status = status;
    }

    public EndpointState(HeartbeatState heartbeat, ImmutableDictionary<ApplicationState, VersionedValue> applicationStates)
    {
        ArgumentNullException.ThrowIfNull(applicationStates);
        Heartbeat = heartbeat;
        ApplicationStates = applicationStates;
        foreach (var value in applicationStates.Values)
        {
            MaxApplicationVersion = Math.Max(MaxApplicationVersion, value.Version);
        }
        Status = StatusVerb(applicationStates);
    }

    public static EndpointState Create(int generation) =>
        new(new HeartbeatState(generation, 0), ImmutableDictionary<ApplicationState, VersionedValue>.Empty);

    public HeartbeatState Heartbeat { get; }

    public ImmutableDictionary<ApplicationState, VersionedValue> ApplicationStates { get; }

    /// <summary>The highest version of anything in this state: what a digest advertises.</summary>
    public int MaxVersion => Math.Max(Heartbeat.Version, MaxApplicationVersion);

    /// <summary>The STATUS verb without arguments ("LEFT,..." reads as "LEFT"). Computed once: gossip checks it on every merge.</summary>
    public string? Status { get; }

    /// <summary>The highest application-state version (the heartbeat aside).</summary>
    internal int MaxApplicationVersion { get; }

    public string? Get(ApplicationState key) => ApplicationStates.TryGetValue(key, out var v) ? v.Value : null;

    public EndpointState WithHeartbeat(HeartbeatState heartbeat) => new(heartbeat, ApplicationStates, MaxApplicationVersion, Status);

    public EndpointState With(ApplicationState key, VersionedValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ImmutableDictionary<ApplicationState, VersionedValue> states = ApplicationStates.SetItem(key, value);
        return new(Heartbeat, states, Math.Max(MaxApplicationVersion, value.Version), key == ApplicationState.Status ? StatusVerb(states) : Status);
    }

    private static string? StatusVerb(ImmutableDictionary<ApplicationState, VersionedValue> states)
    {
        if (!states.TryGetValue(ApplicationState.Status, out VersionedValue? raw))
        {
            return null;
        }
        int comma = raw.Value.IndexOf(',', StringComparison.Ordinal);
        return comma < 0 ? raw.Value : raw.Value[..comma];
    }
}
