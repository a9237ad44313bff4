using RingStore.Gossip.FailureDetection;
using RingStore.Gossip.Messages;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Protocol;

/// <summary>Merging remote states, liveness transitions and LEFT quarantine.</summary>
public sealed partial class Gossiper
{
    /// <summary>Installs states as if received by gossip. The simulator uses it to start from a converged cluster.</summary>
    internal void ApplyRemoteStates(IReadOnlyList<EndpointStateDelta> deltas, TimeSpan now)
    {
        ApplyStates(deltas, now);
        _events.Clear();
    }

    /// <summary>Installs an (immutable, shareable) state directly: lets a large simulation share one object across views.</summary>
    internal void InstallState(string endpoint, EndpointState state, TimeSpan now)
    {
        if (_peers.TryGetValue(endpoint, out PeerEntry? peer))
        {
            peer.State = state;
        }
        else
        {
            peer = new PeerEntry(endpoint, state);
            _peers.Add(endpoint, peer);
        }
        AfterStatusKnown(peer, now, reportHeartbeat: true);
        _events.Clear();
    }

    private void ApplyStates(IReadOnlyList<EndpointStateDelta> deltas, TimeSpan now)
    {
        for (int i = 0; i < deltas.Count; i++)
        {
            EndpointStateDelta delta = deltas[i];
            if (delta.Endpoint == LocalEndpoint || IsQuarantined(delta.Endpoint, delta.Generation))
            {
                continue; // nobody knows better than us what we are; a forgotten LEFT node must not be resurrected
            }
            if (!_peers.TryGetValue(delta.Endpoint, out PeerEntry? peer))
            {
                OnNewEndpoint(delta, now);
            }
            else if (delta.Generation > peer.Heartbeat.Generation)
            {
                OnRestart(peer, delta, now);
            }
            else if (delta.Generation == peer.Heartbeat.Generation)
            {
                Merge(peer, delta, now);
            }
            // An older generation is the echo of a previous incarnation: ignore it.
        }
    }

    private void OnNewEndpoint(EndpointStateDelta delta, TimeSpan now)
    {
        var peer = new PeerEntry(delta.Endpoint, StateDeltas.ToState(delta));
        _peers.Add(delta.Endpoint, peer);
        _justRemoved.Remove(delta.Endpoint);
        _events.Add(new GossipEvent(GossipEventKind.Joined, delta.Endpoint));
        AfterStatusKnown(peer, now, reportHeartbeat: true);
    }

    private void OnRestart(PeerEntry peer, EndpointStateDelta delta, TimeSpan now)
    {
        // A node restarted with a higher generation: its new state replaces the old one wholesale.
        peer.State = StateDeltas.ToState(delta);
        _forgetAt.Remove(delta.Endpoint);
        FailureDetector.Remove(delta.Endpoint);
        _events.Add(new GossipEvent(GossipEventKind.Restarted, delta.Endpoint));
        _live.Remove(peer);
        AfterStatusKnown(peer, now, reportHeartbeat: true);
    }

    private void AfterStatusKnown(PeerEntry peer, TimeSpan now, bool reportHeartbeat)
    {
        if (peer.Applications.Status == NodeStatus.Left)
        {
            RememberLeft(peer, now);
            return;
        }
        if (peer.IsDead)
        {
            _live.Remove(peer);
            _unreachable.Add(peer);
            return;
        }
        if (reportHeartbeat)
        {
            ReportHeartbeat(peer, now);
        }
        MarkUp(peer);
    }

    private void Merge(PeerEntry peer, EndpointStateDelta delta, TimeSpan now)
    {
        bool heartbeatAdvanced = delta.HeartbeatVersion > peer.Heartbeat.Version;
        EndpointState applications = peer.Applications;
        EndpointState merged = applications;
        bool statusChanged = false;
        foreach (ApplicationStateEntry entry in delta.ApplicationStates)
        {
            var key = (ApplicationState)entry.Key;
            if (merged.ApplicationStates.TryGetValue(key, out VersionedValue? current) && current.Version >= entry.Version)
            {
                continue;
            }
            merged = merged.With(key, new VersionedValue(entry.Value, entry.Version));
            _events.Add(new GossipEvent(GossipEventKind.StateChanged, delta.Endpoint, key, entry.Value));
            statusChanged |= key == ApplicationState.Status;
        }
        if (!heartbeatAdvanced && ReferenceEquals(merged, applications))
        {
            return;
        }
        if (heartbeatAdvanced)
        {
            peer.Heartbeat = new HeartbeatState(delta.Generation, delta.HeartbeatVersion);
        }
        if (!ReferenceEquals(merged, applications))
        {
            peer.Applications = merged;
        }
        if (statusChanged)
        {
            if (merged.Status == NodeStatus.Left)
            {
                RememberLeft(peer, now);
                return;
            }
            if (peer.IsDead)
            {
                MarkDown(peer);
                return;
            }
        }
        if (heartbeatAdvanced && !peer.IsDead)
        {
            // A newer heartbeat means the process was alive very recently, whatever we concluded before.
            ReportHeartbeat(peer, now);
            MarkUp(peer);
        }
    }

    private void ReportHeartbeat(PeerEntry peer, TimeSpan now)
    {
        if (peer.Window is null || peer.WindowEpoch != FailureDetector.Epoch)
        {
            peer.Window = FailureDetector.GetOrAddWindow(peer.Endpoint);
            peer.WindowEpoch = FailureDetector.Epoch;
        }
        peer.Window.Add(now);
    }

    private ArrivalWindow? WindowOf(PeerEntry peer)
    {
        if (peer.WindowEpoch != FailureDetector.Epoch)
        {
            peer.Window = FailureDetector.FindWindow(peer.Endpoint);
            peer.WindowEpoch = FailureDetector.Epoch;
        }
        return peer.Window;
    }

    private void MarkUp(PeerEntry peer)
    {
        if (_live.Add(peer))
        {
            _unreachable.Remove(peer);
            _events.Add(new GossipEvent(GossipEventKind.Up, peer.Endpoint));
        }
    }

    private void MarkDown(PeerEntry peer)
    {
        bool wasLive = _live.Remove(peer);
        _unreachable.Add(peer);
        if (wasLive)
        {
            _events.Add(new GossipEvent(GossipEventKind.Down, peer.Endpoint));
        }
    }

    /// <summary>
    /// A LEFT node is neither live nor probed (it will not come back as itself: a new incarnation gossips a higher
    /// generation on its own), and its state is kept for LeftStateRetention so the news keeps correcting stale copies.
    /// </summary>
    private void RememberLeft(PeerEntry peer, TimeSpan now)
    {
        bool wasLive = _live.Remove(peer);
        _unreachable.Remove(peer);
        TimeSpan at = now + Options.LeftStateRetention;
        if (!_forgetAt.TryGetValue(peer.Endpoint, out TimeSpan scheduled) || scheduled < at)
        {
            _forgetAt[peer.Endpoint] = at;
            _events.Add(new GossipEvent(GossipEventKind.Left, peer.Endpoint));
        }
        if (wasLive)
        {
            _events.Add(new GossipEvent(GossipEventKind.Down, peer.Endpoint));
        }
    }

    private bool IsQuarantined(string endpoint, int generation) =>
        _justRemoved.TryGetValue(endpoint, out var removed) && generation <= removed.Generation;

    /// <summary>
    /// LEFT nodes are kept for LeftStateRetention (scheduled ones for QuarantineDelay) so every peer hears they left
    /// (a node that forgot too early would not pass the news on), then forgotten, and their old generation ignored
    /// for another QuarantineDelay so peers that have not forgotten yet cannot gossip them back in.
    /// </summary>
    private void ExpireQuarantines(TimeSpan now)
    {
        if (_forgetAt.Count > 0)
        {
            ForgetDueEndpoints(now);
        }
        if (_justRemoved.Count > 0)
        {
            List<string>? expired = null;
            foreach (var (endpoint, removed) in _justRemoved)
            {
                if (now - removed.At >= Options.QuarantineDelay)
                {
                    (expired ??= []).Add(endpoint);
                }
            }
            foreach (string endpoint in expired ?? [])
            {
                _justRemoved.Remove(endpoint);
            }
        }
    }

    /// <summary>
    /// Puts an endpoint that is out of the ring for a reason gossip itself cannot see (removed by removenode, replaced,
    /// or a host that moved to a new address: decided by the ring's membership rules) on the same path as a LEFT node:
    /// forgotten after QuarantineDelay, its old generation ignored for another one. A restart (higher generation) takes
    /// it off the path again.
    /// </summary>
    public void ScheduleForget(string endpoint, TimeSpan now)
    {
        if (endpoint != LocalEndpoint && _peers.ContainsKey(endpoint))
        {
            _forgetAt.TryAdd(endpoint, now + Options.QuarantineDelay);
        }
    }

    private void ForgetDueEndpoints(TimeSpan now)
    {
        List<string>? expired = null;
        foreach (var (endpoint, at) in _forgetAt)
        {
            if (now >= at)
            {
                (expired ??= []).Add(endpoint);
            }
        }
        foreach (string endpoint in expired ?? [])
        {
            _forgetAt.Remove(endpoint);
            if (_peers.Remove(endpoint, out PeerEntry? peer))
            {
                _justRemoved[endpoint] = (peer.Heartbeat.Generation, now);
                _live.Remove(peer);
                _unreachable.Remove(peer);
            }
            FailureDetector.Remove(endpoint);
            _events.Add(new GossipEvent(GossipEventKind.Removed, endpoint));
        }
    }
}
