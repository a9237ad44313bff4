using RingStore.Core.Reads;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.Ring;
using RingStore.Coordination;

namespace RingStore.Simulation;

/// <summary>
/// One simulated node: a replica (durable store, message handlers), liveness from the real Gossiper and
/// phi-accrual failure detector on virtual time (or, if switched off, "heard from recently"; either way the view
/// lags the truth), durable hints with replay, and the request callbacks of the
/// coordinator operations running on it. A kill keeps the store and hints and loses everything in flight; a pause
/// holds messages and timers until it ends; a failing disk answers writes and reads with an error and stores no hint.
/// </summary>
public sealed class SimNode
{
    private readonly SimCluster _cluster;
    private readonly Dictionary<string, TimeSpan> _lastHeard = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Action<string, object>> _pending = [];
    private Gossiper? _gossiper;

    public SimNode(NodeInfo info, SimCluster cluster)
    {
        Info = info;
        _cluster = cluster;
    }

    public NodeInfo Info { get; }

    public string Endpoint => Info.Endpoint;

    public bool IsRunning { get; private set; }

    /// <summary>Until when the process is paused (messages and timers wait); in the past when running normally.</summary>
    public TimeSpan PausedUntil { get; set; }

    /// <summary>Whether the disk currently fails every write and read.</summary>
    public bool DiskFailing { get; set; }

    /// <summary>Bumped on every kill; timers of an older incarnation do nothing.</summary>
    public int Incarnation { get; private set; }

    public SimReplicaStore Store { get; } = new();

    public List<SimHint> Hints { get; } = [];

    public ReplicaLatencyTracker Latency { get; private set; } = NewLatencyTracker();

    public TimeSpan Now => _cluster.Scheduler.Now;

    public bool IsAlive(string endpoint) =>
        endpoint == Endpoint ||
        (_gossiper is not null
            ? _gossiper.IsAlive(endpoint)
            : _lastHeard.TryGetValue(endpoint, out var at) && Now - at <= _cluster.Options.ConvictAfter);

    /// <summary>How long a peer has been seen down (zero if seen alive, or never heard of since this node started).</summary>
    public TimeSpan DowntimeOf(string endpoint) =>
        IsAlive(endpoint) || !_lastHeard.TryGetValue(endpoint, out var at) ? TimeSpan.Zero : Now - at;

    public void Start()
    {
        IsRunning = true;
        _lastHeard.Clear();
        Latency = NewLatencyTracker();
        int incarnation = Incarnation;
        if (_cluster.Options.UseGossip)
        {
            // A restart is a new process: a fresh Gossiper with a higher generation that knows only the seeds.
            _gossiper = new Gossiper(Endpoint, _cluster.GossipOptions, _cluster.NewGossipRandom());
            _gossiper.Start(incarnation + 1, []);
            Every(_cluster.Options.GossipInterval, incarnation, () => Dispatch(_gossiper.Tick(Now)));
        }
        else
        {
            Every(_cluster.Options.PingInterval, incarnation, () =>
            {
                foreach (var peer in _cluster.Nodes)
                {
                    if (peer != this) _cluster.Network.Send(Endpoint, peer.Endpoint, 0, new Ping(), -1);
                }
            });
        }
        Every(_cluster.Options.HintReplayInterval, incarnation, ReplayHints);
    }

    public void Kill()
    {
        IsRunning = false;
        PausedUntil = TimeSpan.Zero;
        Incarnation++;
        _pending.Clear();
        _gossiper = null;
    }

    /// <summary>Sends a request; <paramref name="onResponse"/> runs once if the answer arrives while this incarnation lives.</summary>
    public void Request(string to, object payload, int key, Action<string, object> onResponse)
    {
        long id = _cluster.NextRequestId();
        _pending[id] = onResponse;
        _cluster.Network.Send(Endpoint, to, id, payload, key);
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> unless this node died in between (a pause delays it).</summary>
    public void Timer(TimeSpan delay, Action action)
    {
        int incarnation = Incarnation;
        _cluster.Scheduler.After(delay, () => Fire(incarnation, action));
    }

    private void Fire(int incarnation, Action action)
    {
        if (!IsRunning || Incarnation != incarnation) return;
        if (PausedUntil > Now)
        {
            _cluster.Scheduler.At(PausedUntil, () => Fire(incarnation, action));
            return;
        }
        action();
    }

    public void Receive(string from, long requestId, object payload, int key)
    {
        _lastHeard[from] = Now;
        switch (payload)
        {
            case MutateRequest m:
                if (DiskFailing)
                {
                    _cluster.Network.Send(Endpoint, from, requestId, new ReplicaFailed("disk failure"), key);
                    break;
                }
                Store.Apply(m.Message.ToUpdate());
                _cluster.Network.Send(Endpoint, from, requestId, new MutateAck(m.Kind), key);
                break;
            case ReadCommandMessage r:
                if (DiskFailing)
                {
                    _cluster.Network.Send(Endpoint, from, requestId, new ReplicaFailed("disk failure"), key);
                    break;
                }
                var data = Store.Read(r.ToSliceQuery(), _cluster.NowSeconds);
                _cluster.Network.Send(Endpoint, from, requestId,
                    r.DigestOnly ? ReadResponseMessage.ForDigest(data) : ReadResponseMessage.ForData(data), key);
                break;
            case SimRangeRequest range:
                if (DiskFailing)
                {
                    _cluster.Network.Send(Endpoint, from, requestId, new ReplicaFailed("disk failure"), key);
                    break;
                }
                var (partitions, resume) = Store.ReadRange(range.After, range.EndInclusive, range.RowLimit);
                _cluster.Network.Send(Endpoint, from, requestId, new SimRangeResponse(partitions, resume), key);
                break;
            case Ping:
                _cluster.Network.Send(Endpoint, from, 0, new Pong(), -1);
                break;
            case Pong:
                break;
            case GossipPacket gossip:
                if (_gossiper is not null) Dispatch(_gossiper.Receive(gossip.Message, Now));
                break;
            default:
                if (_pending.Remove(requestId, out var callback))
                {
                    callback(from, payload);
                }
                break;
        }
    }

    /// <summary>Stores a hint durably; false when the disk fails (the write machine then counts the replica as failed).</summary>
    public bool TryAddHint(NodeInfo target, RingStore.Core.Data.PartitionUpdate update, int key, long timestamp)
    {
        if (DiskFailing) return false;
        Hints.Add(new SimHint(_cluster.NextRequestId(), target, update, key, timestamp, Now));
        _cluster.Log.Add(Now, key, $"{Endpoint} stores hint for {target.Endpoint} ts {timestamp}");
        return true;
    }

    private void Dispatch(GossipOutput output)
    {
        foreach (var message in output.Messages)
        {
            _cluster.Network.Send(Endpoint, message.To, 0, new GossipPacket(message.Message), -1);
        }
    }

    private void ReplayHints()
    {
        if (_cluster.Options.SkipHintReplay) return; // planted bug
        foreach (var hint in Hints.Where(h => IsAlive(h.Target.Endpoint)).ToList())
        {
            Request(hint.Target.Endpoint, new MutateRequest(MutationKind.HintReplay, MutationMessage.For(hint.Update), hint.Timestamp), hint.Key,
                (from, answer) =>
                {
                    if (answer is MutateAck && Hints.Remove(hint))
                        _cluster.Log.Add(Now, hint.Key, $"{Endpoint}: hint for {from} ts {hint.Timestamp} delivered");
                });
        }
    }

    private void Every(TimeSpan interval, int incarnation, Action action)
    {
        _cluster.Scheduler.After(interval, () => Fire(incarnation, () =>
        {
            action();
            Every(interval, incarnation, action);
        }));
    }

    private static ReplicaLatencyTracker NewLatencyTracker() => new(TimeSpan.FromSeconds(1), windowSize: 200);
}
