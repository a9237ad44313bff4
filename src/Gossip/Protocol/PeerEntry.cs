using RingStore.Gossip.FailureDetection;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Protocol;

/// <summary>
/// Everything one gossiper keeps about one endpoint, behind a single dictionary lookup: heartbeat, application
/// states, the failure detector's window and the slots in the live / unreachable sets. A SYN carries a digest per
/// endpoint, so this lookup runs N times per message; everything else about the peer must be a field away.
/// </summary>
/// <remarks>
/// The heartbeat is kept apart from <see cref="Applications"/> because it changes on every merge while the
/// application states rarely do: the <see cref="EndpointState"/> callers see is built only when read (and cached
/// until the next heartbeat), instead of one allocation per heartbeat per peer per round.
/// </remarks>
internal sealed class PeerEntry
{
    private EndpointState _snapshot;
    private HeartbeatState _heartbeat;

    public PeerEntry(string endpoint, EndpointState state)
    {
        Endpoint = endpoint;
        _snapshot = state;
        State = state;
    }

    public string Endpoint { get; }

    public HeartbeatState Heartbeat
    {
        get => _heartbeat;
        set
        {
            _heartbeat = value;
            MaxVersion = Math.Max(value.Version, _snapshot.MaxApplicationVersion);
        }
    }

    /// <summary>The application states (its own heartbeat may lag <see cref="Heartbeat"/>; ignore it).</summary>
    public EndpointState Applications
    {
        get => _snapshot;
        set
        {
            _snapshot = value;
            MaxVersion = Math.Max(_heartbeat.Version, value.MaxApplicationVersion);
            IsDead = NodeStatus.IsDeadState(value.Status);
        }
    }

    /// <summary>The full state: heartbeat and application states.</summary>
    public EndpointState State
    {
        get
        {
            if (_snapshot.Heartbeat != _heartbeat)
            {
                _snapshot = _snapshot.WithHeartbeat(_heartbeat);
            }
            return _snapshot;
        }
        set
        {
            _heartbeat = value.Heartbeat;
            Applications = value;
        }
    }

    /// <summary>What a digest advertises: the highest version of the heartbeat or any application state (kept up to date, read per digest).</summary>
    public int MaxVersion { get; private set; }

    /// <summary>STATUS is LEFT or shutdown: gossip alone must not mark it up.</summary>
    public bool IsDead { get; private set; }

    /// <summary>This endpoint's failure-detector window, valid while the detector's epoch equals <see cref="WindowEpoch"/>.</summary>
    public ArrivalWindow? Window { get; set; }

    public int WindowEpoch { get; set; } = -1;

    /// <summary>
    /// When (local ticks) a SYN, ACK or ACK2 sent by this endpoint itself last arrived, or long.MinValue: direct proof
    /// it ran a moment ago, even before its newer heartbeat (which needs a further message) has reached us.
    /// </summary>
    public long LastContactTicks { get; set; } = long.MinValue;

    /// <summary>Position in the live set, or -1.</summary>
    public int LiveSlot { get; set; } = -1;

    /// <summary>Position in the unreachable set, or -1.</summary>
    public int UnreachableSlot { get; set; } = -1;
}
