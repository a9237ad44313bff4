using RingStore.Gossip.Ring;
using RingStore.Node.Coordination;

namespace RingStore.Simulation;

/// <summary>
/// One simulated node: a replica (durable store, message handlers), a failure detector (a peer is alive if heard
/// from recently, so the view lags the truth), durable hints with replay, and the request callbacks of the
/// coordinator operations running on it. A kill keeps the store and hints and loses everything in flight.
/// </summary>
public sealed class SimNode
{
    private readonly SimCluster _cluster;
    private readonly Dictionary<string, TimeSpan> _lastHeard = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Action<string, object>> _pending = [];

    public SimNode(NodeInfo info, SimCluster cluster)
    {
        Info = info;
        _cluster = cluster;
    }

    public NodeInfo Info { get; }

    public string Endpoint => Info.Endpoint;

    public bool IsRunning { get; private set; }

    /// <summary>Bumped on every kill; timers of an older incarnation do nothing.</summary>
    public int Incarnation { get; private set; }

    public SimReplicaStore Store { get; } = new();

    public List<SimHint> Hints { get; } = [];

    public ReplicaLatencyTracker Latency { get; private set; } = NewLatencyTracker();

    public TimeSpan Now => _cluster.Scheduler.Now;

    public bool IsAlive(string endpoint) =>
        endpoint == Endpoint ||
        (_lastHeard.TryGetValue(endpoint, out var at) && Now - at <= _cluster.Options.ConvictAfter);

    /// <summary>How long a peer has been seen down (zero if seen alive, or never heard of since this node started).</summary>
    public TimeSpan DowntimeOf(string endpoint) =>
        IsAlive(endpoint) || !_lastHeard.TryGetValue(endpoint, out var at) ? TimeSpan.Zero : Now - at;

    public void Start()
    {
        IsRunning = true;
        _lastHeard.Clear();
        Latency = NewLatencyTracker();
        int incarnation = Incarnation;
        Every(_cluster.Options.PingInterval, incarnation, () =>
        {
            foreach (var peer in _cluster.Nodes.Where(n => n != this))
            {
                _cluster.Network.Send(Endpoint, peer.Endpoint, 0, new Ping());
            }
        });
        Every(_cluster.Options.HintReplayInterval, incarnation, ReplayHints);
    }

    public void Kill()
    {
        IsRunning = false;
        Incarnation++;
        _pending.Clear();
    }

    /// <summary>Sends a request; <paramref name="onResponse"/> runs once if the answer arrives while this incarnation lives.</summary>
    public void Request(string to, object payload, Action<string, object> onResponse)
    {
        long id = _cluster.NextRequestId();
        _pending[id] = onResponse;
        _cluster.Network.Send(Endpoint, to, id, payload);
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> unless this node died in between.</summary>
    public void Timer(TimeSpan delay, Action action)
    {
        int incarnation = Incarnation;
        _cluster.Scheduler.After(delay, () =>
        {
            if (IsRunning && Incarnation == incarnation)
            {
                action();
            }
        });
    }

    public void Receive(string from, long requestId, object payload)
    {
        _lastHeard[from] = Now;
        switch (payload)
        {
            case MutateRequest m:
                Store.Apply(m.Message.ToUpdate());
                _cluster.Network.Send(Endpoint, from, requestId, new MutateAck(m.Kind));
                break;
            case ReadCommandMessage r:
                var data = Store.Read(r.ToSliceQuery(), _cluster.NowSeconds);
                _cluster.Network.Send(Endpoint, from, requestId,
                    r.DigestOnly ? ReadResponseMessage.ForDigest(data) : ReadResponseMessage.ForData(data));
                break;
            case Ping:
                _cluster.Network.Send(Endpoint, from, 0, new Pong());
                break;
            case Pong:
                break;
            default:
                if (_pending.Remove(requestId, out var callback))
                {
                    callback(from, payload);
                }
                break;
        }
    }

    public void AddHint(NodeInfo target, RingStore.Core.Data.PartitionUpdate update) =>
        Hints.Add(new SimHint(_cluster.NextRequestId(), target, update));

    private void ReplayHints()
    {
        foreach (var hint in Hints.Where(h => IsAlive(h.Target.Endpoint)).ToList())
        {
            Request(hint.Target.Endpoint, new MutateRequest(MutationKind.HintReplay, MutationMessage.For(hint.Update)),
                (_, _) => Hints.Remove(hint));
        }
    }

    private void Every(TimeSpan interval, int incarnation, Action action)
    {
        _cluster.Scheduler.After(interval, () =>
        {
            if (!IsRunning || Incarnation != incarnation)
            {
                return;
            }
            action();
            Every(interval, incarnation, action);
        });
    }

    private static ReplicaLatencyTracker NewLatencyTracker() => new(TimeSpan.FromSeconds(1), windowSize: 200);
}
