using System.Collections.Immutable;

namespace RingStore.Gossip.State;

/// <summary>
/// Everything known about one endpoint: heartbeat plus versioned application states. Immutable, so gossip
/// can hand the same object to snapshots and to other in-process simulated nodes without copying.
/// </summary>
public sealed class EndpointState
{
    private readonly int _maxApplicationVersion;

    public EndpointState(HeartbeatState heartbeat, ImmutableDictionary<ApplicationState, VersionedValue> applicationStates)
    {
        ArgumentNullException.ThrowIfNull(applicationStates);
        Heartbeat = heartbeat;
        ApplicationStates = applicationStates;
        foreach (var value in applicationStates.Values)
        {
            _maxApplicationVersion = Math.Max(_maxApplicationVersion, value.Version);
        }
    }

    private EndpointState(HeartbeatState heartbeat, ImmutableDictionary<ApplicationState, VersionedValue> applicationStates, int maxApplicationVersion)
    {
        Heartbeat = heartbeat;
        ApplicationStates = applicationStates;
        _maxApplicationVersion = maxApplicationVersion;
    }

    public static EndpointState Create(int generation) =>
        new(new HeartbeatState(generation, 0), ImmutableDictionary<ApplicationState, VersionedValue>.Empty);

    public HeartbeatState Heartbeat { get; }

    public ImmutableDictionary<ApplicationState, VersionedValue> ApplicationStates { get; }

    /// <summary>The highest version of anything in this state: what a digest advertises.</summary>
    public int MaxVersion => Math.Max(Heartbeat.Version, _maxApplicationVersion);

    public string? Get(ApplicationState key) => ApplicationStates.TryGetValue(key, out var v) ? v.Value : null;

    /// <summary>The STATUS verb without arguments ("LEFT,..." reads as "LEFT").</summary>
    public string? Status
    {
        get
        {
            string? raw = Get(ApplicationState.Status);
            if (raw is null)
            {
                return null;
            }
            int comma = raw.IndexOf(',', StringComparison.Ordinal);
            return comma < 0 ? raw : raw[..comma];
        }
    }

    public EndpointState WithHeartbeat(HeartbeatState heartbeat) => new(heartbeat, ApplicationStates, _maxApplicationVersion);

    public EndpointState With(ApplicationState key, VersionedValue value) =>
        new(Heartbeat, ApplicationStates.SetItem(key, value), Math.Max(_maxApplicationVersion, value.Version));
}
