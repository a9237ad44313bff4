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
        _states[endpoint] = state;
        AfterStatusKnown(endpoint, state, now, reportHeartbeat: true);
        _events.Clear();
    }

    private void ApplyStates(IReadOnlyList<EndpointStateDelta> deltas, TimeSpan now)
    {
        foreach (EndpointStateDelta delta in deltas)
        {
            if (delta.Endpoint == LocalEndpoint || IsQuarantined(delta.Endpoint, delta.Generation))
            {
                continue; // nobody knows better than us what we are; a forgotten LEFT node must not be resurrected
            }
            if (!_states.TryGetValue(delta.Endpoint, out EndpointState? local))
            {
                OnNewEndpoint(delta, now);
            }
            else if (delta.Generation > local.Heartbeat.Generation)
            {
                OnRestart(delta, now);
            }
            else if (delta.Generation == local.Heartbeat.Generation)
            {
                Merge(local, delta, now);
            }
            // An older generation is the echo of a previous incarnation: ignore it.
        }
    }

    private void OnNewEndpoint(EndpointStateDelta delta, TimeSpan now)
    {
        EndpointState state = StateDeltas.ToState(delta);
        _states[delta.Endpoint] = state;
        _justRemoved.Remove(delta.Endpoint);
        _events.Add(new GossipEvent(GossipEventKind.Joined, delta.Endpoint));
        AfterStatusKnown(delta.Endpoint, state, now, reportHeartbeat: true);
    }

    private void OnRestart(EndpointStateDelta delta, TimeSpan now)
    {
        // A node restarted with a higher generation: its new state replaces the old one wholesale.
        EndpointState state = StateDeltas.ToState(delta);
        _states[delta.Endpoint] = state;
        _leftSince.Remove(delta.Endpoint);
        FailureDetector.Remove(delta.Endpoint);
        _events.Add(new GossipEvent(GossipEventKind.Restarted, delta.Endpoint));
        _live.Remove(delta.Endpoint);
        AfterStatusKnown(delta.Endpoint, state, now, reportHeartbeat: true);
    }

    private void AfterStatusKnown(string endpoint, EndpointState state, TimeSpan now, bool reportHeartbeat)
    {
        string? status = state.Status;
        if (status == NodeStatus.Left)
        {
            _leftSince.TryAdd(endpoint, now);
            _events.Add(new GossipEvent(GossipEventKind.Left, endpoint));
        }
        if (NodeStatus.IsDeadState(status))
        {
            _live.Remove(endpoint);
            _unreachable.Add(endpoint);
            return;
        }
        if (reportHeartbeat)
        {
            FailureDetector.Report(endpoint, now);
        }
        MarkUp(endpoint);
    }

    private void Merge(EndpointState local, EndpointStateDelta delta, TimeSpan now)
    {
        EndpointState merged = local;
        bool heartbeatAdvanced = delta.HeartbeatVersion > local.Heartbeat.Version;
        if (heartbeatAdvanced)
        {
            merged = merged.WithHeartbeat(new HeartbeatState(delta.Generation, delta.HeartbeatVersion));
        }
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
        if (ReferenceEquals(merged, local))
        {
            return;
        }
        _states[delta.Endpoint] = merged;
        if (statusChanged)
        {
            string? status = merged.Status;
            if (status == NodeStatus.Left && _leftSince.TryAdd(delta.Endpoint, now))
            {
                _events.Add(new GossipEvent(GossipEventKind.Left, delta.Endpoint));
            }
            if (NodeStatus.IsDeadState(status))
            {
                MarkDown(delta.Endpoint);
                return;
            }
        }
        if (heartbeatAdvanced && !NodeStatus.IsDeadState(merged.Status))
        {
            // A newer heartbeat means the process was alive very recently, whatever we concluded before.
            FailureDetector.Report(delta.Endpoint, now);
            MarkUp(delta.Endpoint);
        }
    }

    private void MarkUp(string endpoint)
    {
        if (_live.Add(endpoint))
        {
            _unreachable.Remove(endpoint);
            _events.Add(new GossipEvent(GossipEventKind.Up, endpoint));
        }
    }

    private void MarkDown(string endpoint)
    {
        bool wasLive = _live.Remove(endpoint);
        _unreachable.Add(endpoint);
        if (wasLive)
        {
            _events.Add(new GossipEvent(GossipEventKind.Down, endpoint));
        }
    }

    private bool IsQuarantined(string endpoint, int generation) =>
        _justRemoved.TryGetValue(endpoint, out var removed) && generation <= removed.Generation;

    /// <summary>
    /// LEFT nodes are kept for QuarantineDelay so every peer hears they left (a node that forgot too early would
    /// not pass the news on), then forgotten, and their old generation ignored for another QuarantineDelay so
    /// peers that have not forgotten yet cannot gossip them back in.
    /// </summary>
    private void ExpireQuarantines(TimeSpan now)
    {
        List<string>? expired = null;
        foreach (var (endpoint, since) in _leftSince)
        {
            if (now - since >= Options.QuarantineDelay)
            {
                (expired ??= []).Add(endpoint);
            }
        }
        foreach (string endpoint in expired ?? [])
        {
            _leftSince.Remove(endpoint);
            if (_states.Remove(endpoint, out EndpointState? state))
            {
                _justRemoved[endpoint] = (state.Heartbeat.Generation, now);
            }
            _live.Remove(endpoint);
            _unreachable.Remove(endpoint);
            FailureDetector.Remove(endpoint);
            _events.Add(new GossipEvent(GossipEventKind.Removed, endpoint));
        }
        if (_justRemoved.Count > 0)
        {
            foreach (var (endpoint, removed) in _justRemoved.Where(p => now - p.Value.At >= Options.QuarantineDelay).ToList())
            {
                _justRemoved.Remove(endpoint);
            }
        }
    }
}
