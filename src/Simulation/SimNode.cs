using RingStore.Core.Reads;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.Ring;
using RingStore.Coordination;
using RingStore.Storage.IO;

namespace RingStore.Simulation;

/// <summary>
/// One simulated node: a replica (the real storage engine over the node's in-memory disk, or the model store;
/// message handlers), liveness from the real Gossiper and phi-accrual failure detector on virtual time (or, if
/// switched off, "heard from recently"; either way the view lags the truth), durable hints with replay, and the
/// request callbacks of the coordinator operations running on it. The node has one disk (an <see cref="InMemoryFileSystem"/>
/// behind a <see cref="FaultInjectingFileSystem"/>) for its engine and its hints (the product's HintStore, see
/// <see cref="SimHintStore"/>). A kill is a power loss: everything in flight is lost, the disk keeps what was synced
/// (torn tails too with disk faults on), and the restart replays the commit log and reopens the hint logs. A pause holds messages and timers until it ends. A failing disk fails the engine's writes, syncs and
/// reads; the first failure the engine reports stops the node (the product's <c>stop</c> disk failure policy: the
/// request that hit it is answered with an error, then nothing more), and it restarts once the disk works again
/// (an operator's restart: no power loss). With the model store a failing disk answers errors and the node stays up.
/// </summary>
public sealed class SimNode
{
    private readonly SimCluster _cluster;
    private readonly Dictionary<string, TimeSpan> _lastHeard = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Action<string, object>> _pending = [];
    private readonly EngineReplicaStore? _engine;
    private bool _diskFailing;
    private Gossiper? _gossiper;

    public SimNode(NodeInfo info, SimCluster cluster)
    {
        Info = info;
        _cluster = cluster;
        Disk = new FaultInjectingFileSystem(Memory);
        Store = cluster.Options.RealStorage
            ? _engine = new EngineReplicaStore(info.Endpoint, cluster.Options, cluster.Clock, Memory, Disk)
            : new SimReplicaStore();
        Hints = new SimHintStore(this, cluster);
    }

    /// <summary>The node's disk: what survives a crash is what it says.</summary>
    public InMemoryFileSystem Memory { get; } = new();

    /// <summary>The fault layer the engine and the hint store write through.</summary>
    public FaultInjectingFileSystem Disk { get; }

    public NodeInfo Info { get; }

    public string Endpoint => Info.Endpoint;

    public bool IsRunning { get; private set; }

    /// <summary>Until when the process is paused (messages and timers wait); in the past when running normally.</summary>
    public TimeSpan PausedUntil { get; set; }

    /// <summary>Whether the disk currently fails every write, sync and read.</summary>
    public bool DiskFailing
    {
        get => _diskFailing;
        set
        {
            _diskFailing = value;
            if (!value)
            {
                Disk.ClearFaults();
                if (_cluster.Options.HintsNotSynced) LieAboutHintSyncs();
                return;
            }
            Disk.TearFailingWrite = true; // the write that hits the failure stores a part: a torn write
            Disk.FailWritesAfterBytes = Disk.BytesWritten;
            Disk.FailSync = true;
            Disk.FailReadsOf = _ => true;
        }
    }

    /// <summary>Stopped by its disk failure policy (or could not start on a failing disk): restarts when the disk heals.</summary>
    public bool StoppedByDisk { get; private set; }

    /// <summary>Bumped on every kill; timers of an older incarnation do nothing.</summary>
    public int Incarnation { get; private set; }

    public IReplicaStore Store { get; }

    /// <summary>The real engine's store, or null when the run uses the model (<c>RealStorage = false</c>).</summary>
    public EngineReplicaStore? Engine => _engine;

    /// <summary>The node's hints: the product's HintStore on this node's disk.</summary>
    public SimHintStore Hints { get; }

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

    /// <summary>Decommissioned: stopped for good (no restart, no faults), out of the ring.</summary>
    public bool Departed { get; private set; }

    /// <summary>The end of a decommission: the process stops cleanly (its disk keeps what it wrote) and never comes back.</summary>
    public void Depart()
    {
        Departed = true;
        Down();
        _engine?.Stop();
        Hints.Drop();
    }

    public void Start()
    {
        if (IsRunning || Departed) return;
        if (_engine is { IsOpen: false } && !OpenEngine()) return;
        if (!Hints.IsOpen && !OpenHints()) return;
        StoppedByDisk = false;
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
        if (_engine is not null) Every(_cluster.Options.BackgroundStepInterval, incarnation, RunBackgroundSteps);
    }

    /// <summary>Opens the engine (commit-log replay runs for real); on a failing disk the node stays down until it heals.</summary>
    private bool OpenEngine()
    {
        if (_engine!.TryOpen(out string? error))
        {
            _cluster.Stats.ReplayedEntries += _engine.LastReplayed;
            _cluster.Log.Add(Now, -1, $"{Endpoint} engine opened: {_engine.LastReplayed} commit-log entries replayed", isFault: true);
            return true;
        }
        StoppedByDisk = true;
        _cluster.Log.Add(Now, -1, $"{Endpoint} cannot start: {error}", isFault: true);
        if (!DiskFailing) _cluster.EngineFailures.Add($"{Endpoint} at {Now.TotalMilliseconds:0}ms: the engine could not open on a working disk: {error}");
        return false;
    }

    /// <summary>Opens the hint store on what the disk kept (hint logs recovered, torn tails cut); on a failing disk the node stays down.</summary>
    private bool OpenHints()
    {
        if (Hints.TryOpen(out string? error)) return true;
        _engine?.Stop();
        StoppedByDisk = true;
        _cluster.Log.Add(Now, -1, $"{Endpoint} cannot start: its hint store: {error}", isFault: true);
        if (!DiskFailing) _cluster.EngineFailures.Add($"{Endpoint} at {Now.TotalMilliseconds:0}ms: the hint store could not open on a working disk: {error}");
        return false;
    }

    /// <summary>Power loss: in-flight work is lost; the disk keeps what was synced (torn unsynced tails with disk faults on).</summary>
    public void Kill()
    {
        Down();
        _engine?.Stop();
        Hints.Drop();
        Memory.Crash(_cluster.NewRandom(), _cluster.Options.Faults.HasFlag(SimFaults.Disk));
    }

    /// <summary>
    /// Planted bug (<see cref="SimulationOptions.HintsNotSynced"/>): the disk acknowledges the hint logs' fsyncs without
    /// making anything durable, so a hint the store acknowledged can vanish in a crash.
    /// </summary>
    public void LieAboutHintSyncs() => Disk.IgnoreSyncOf = path => path.StartsWith(Hints.Directory, StringComparison.Ordinal);

    private void Down()
    {
        IsRunning = false;
        PausedUntil = TimeSpan.Zero;
        Incarnation++;
        _pending.Clear();
        _gossiper = null;
    }

    /// <summary>The engine reported a disk failure: the stop policy takes the node down (its disk keeps what it wrote).</summary>
    private void CheckDiskFailure()
    {
        if (_engine is null || !_engine.TakeDiskFailure() || !IsRunning) return;
        Down();
        _engine.Stop();
        Hints.Drop();
        StoppedByDisk = true;
        _cluster.Stats.DiskStops++;
        _cluster.Log.Add(Now, -1, $"{Endpoint} stops: its disk failed (disk failure policy stop)", isFault: true);
        if (!DiskFailing) Start(); // healed meanwhile (cannot happen within one event, kept for safety)
    }

    /// <summary>Applies a write to this replica; false (and the stop policy checked) when the disk failed it.</summary>
    public bool TryApply(RingStore.Core.Data.PartitionUpdate update)
    {
        if (_engine is null && DiskFailing) return false;
        try
        {
            Store.Apply(update);
            return true;
        }
        catch (Exception e) when (IsDiskError(e))
        {
            return false;
        }
        finally
        {
            AfterEngineCall();
        }
    }

    /// <summary>The stop policy acts once the current event is done (the request that hit the failure is answered first).</summary>
    private void AfterEngineCall()
    {
        if (_engine is not null) _cluster.Scheduler.After(TimeSpan.Zero, CheckDiskFailure);
    }

    private static bool IsDiskError(Exception e) =>
        e is IOException or RingStore.Storage.SSTables.CorruptSSTableException or RingStore.Storage.CommitLog.CommitLogCorruptionException;

    private void RunBackgroundSteps()
    {
        try
        {
            _engine!.RunBackgroundSteps();
        }
        catch (Exception e) when (IsDiskError(e))
        {
            // a flush or compaction failed: the data stays in memtables and the commit log; the policy decides the rest
        }
        CheckDiskFailure();
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
                Answer(from, requestId, key, () =>
                {
                    Store.Apply(m.Message.ToUpdate());
                    return new MutateAck(m.Kind);
                });
                break;
            case ReadCommandMessage r:
                Answer(from, requestId, key, () =>
                {
                    var data = Store.Read(r.ToSliceQuery(), _cluster.NowSeconds);
                    return r.DigestOnly ? ReadResponseMessage.ForDigest(data) : ReadResponseMessage.ForData(data);
                });
                break;
            case SimValidateRequest validate:
                Answer(from, requestId, key, () => _engine is null
                    ? new ReplicaFailed("repair needs the storage engine")
                    : new SimValidateResponse(_engine.BuildTree(validate.StartExclusive, validate.EndInclusive, validate.Depth, _cluster.NowSeconds)));
                break;
            case SimRepairFetch fetch:
                Answer(from, requestId, key, () => _engine is null
                    ? new ReplicaFailed("repair needs the storage engine")
                    : new SimRepairFetchResponse(_engine.Partitions(fetch.StartExclusive, fetch.EndInclusive)));
                break;
            case SimRangeRequest range:
                Answer(from, requestId, key, () =>
                {
                    var (partitions, resume) = Store.ReadRange(range.After, range.EndInclusive, range.RowLimit);
                    return new SimRangeResponse(partitions, resume);
                });
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

    /// <summary>
    /// A replica request: the answer, or ReplicaFailed when the disk fails it (the model store fails every request
    /// while its disk fails; the engine only those its disk errors reach, and then the stop policy takes the node down).
    /// </summary>
    private void Answer(string from, long requestId, int key, Func<object> handle)
    {
        object reply;
        if (_engine is null && DiskFailing)
        {
            reply = new ReplicaFailed("disk failure");
        }
        else
        {
            try
            {
                reply = handle();
            }
            catch (Exception e) when (IsDiskError(e))
            {
                reply = new ReplicaFailed("disk failure: " + e.Message);
            }
        }
        _cluster.Network.Send(Endpoint, from, requestId, reply, key);
        AfterEngineCall();
    }

    /// <summary>Stores a hint durably in the hint store; false when the disk fails it (the write machine then counts the replica as failed).</summary>
    public bool TryAddHint(NodeInfo target, RingStore.Core.Data.PartitionUpdate update, int key, long timestamp)
    {
        // A node out of the ring gets no hints (the coordinator hints ring members only; the others deleted theirs for it).
        bool stored = !_cluster.Node(target.Endpoint).Departed && Hints.TryAppend(target, update);
        _cluster.Log.Add(Now, key, stored ? $"{Endpoint} stores hint for {target.Endpoint} ts {timestamp}" : $"{Endpoint} cannot store hint for {target.Endpoint} ts {timestamp}");
        return stored;
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
        Hints.ReplayToLiveTargets();
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
