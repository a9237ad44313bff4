using RingStore.Core.Data;
using RingStore.Coordination;
using RingStore.Gossip.Ring;
using RingStore.Storage.Hints;

namespace RingStore.Simulation;

/// <summary>
/// A simulated node's hints in the product's <see cref="HintStore"/> (src/Storage/Hints: one FasterLog per target with
/// per-entry checksums, group-commit durability before the append completes, the delivered cursor as FasterLog's
/// begin address, torn-tail cuts and corrupt-entry skips at open) over the node's own disk, the same
/// <c>FaultInjectingFileSystem</c> over <c>InMemoryFileSystem</c> its engine writes to. The store runs with
/// <see cref="HintStoreOptions.RunInline"/>: appends and cursor commits finish on the simulator's thread. Replay is the
/// store's own <see cref="HintStore.ReplayAsync"/> (order, window of 16 in flight, cursor persistence, resume after a
/// failure); what is simulated is only the sender: each hint goes over the simulated network as a
/// <see cref="MutationKind.HintReplay"/> mutation, and the task the replayer waits on completes when the ack (true), an
/// error or the request timeout (false) arrives. Those tasks have inline continuations, so the replay continues inside
/// the simulator's event and never on another thread (checked: a send from another thread is an engine failure).
/// A crash drops the store unclosed (the disk keeps what was synced); a restart reopens it, as the node's does.
/// </summary>
public sealed class SimHintStore
{
    private readonly SimNode _node;
    private readonly SimCluster _cluster;
    private readonly HashSet<Guid> _replaying = [];
    // The checker's ledger (not the store's state): hints the store acknowledged, and those a target acknowledged.
    private readonly Dictionary<(string Target, int Key, long Timestamp), TimeSpan> _acknowledged = [];
    private readonly HashSet<(string Target, int Key, long Timestamp)> _delivered = [];
    private HintStore? _store;

    public SimHintStore(SimNode node, SimCluster cluster)
    {
        _node = node;
        _cluster = cluster;
        Directory = "/" + node.Endpoint + ".hints";
    }

    /// <summary>Where the node keeps its hints (beside the engine's data directory, on the same disk).</summary>
    public string Directory { get; }

    public bool IsOpen => _store is not null;

    /// <summary>Hints the store acknowledged as durable (appended) across every incarnation.</summary>
    public long Stored { get; private set; }

    /// <summary>Hints the store recorded as delivered across every incarnation.</summary>
    public long Delivered => _deliveredBefore + (_store?.DeliveredCount ?? 0);

    /// <summary>Damaged hint-log regions skipped across incarnations (torn tails after a crash, corrupt entries).</summary>
    public long CorruptSkipped => _corruptBefore + (_store?.CorruptSkippedCount ?? 0);

    private long _deliveredBefore, _corruptBefore;

    /// <summary>Opens (or reopens after a crash) the store on what the node's disk holds; false with the reason if it cannot.</summary>
    public bool TryOpen(out string? error)
    {
        if (_store is not null) throw new InvalidOperationException("The hint store is already open.");
        try
        {
            _store = HintStore.Open(new HintStoreOptions
            {
                Directory = Directory,
                FileSystem = _node.Disk,
                RunInline = true,
                ReplayThrottleKiBPerSecond = 0,
                HintWindow = _cluster.Options.HintWindow,
                SegmentSizeBytes = 64 * 1024, // the smallest: little memory per target log
            }, _cluster.Clock);
            _replaying.Clear();
            // A restarted node learns from gossip which hosts left while it was down, and deletes its hints for them.
            foreach (var gone in _cluster.Nodes.Where(n => n.Departed)) DeleteAllFor(gone.Endpoint);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or FASTER.core.FasterException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    /// <summary>The process goes away: the store is dropped, never disposed (a dispose would commit, which a dead process does not).</summary>
    public void Drop()
    {
        if (_store is null) return;
        _deliveredBefore += _store.DeliveredCount;
        _corruptBefore += _store.CorruptSkippedCount;
        _store = null;
        _replaying.Clear(); // a replay parked on a reply stays parked: its replies and timers died with the incarnation
        _inFlight.Clear();
    }

    /// <summary>Stores a hint; true once it is durable (the store's append completed), false when the disk failed it.</summary>
    public bool TryAppend(NodeInfo target, PartitionUpdate update)
    {
        if (_store is null) return false;
        try
        {
            var append = _store.AppendAsync(SimCluster.HostIdOf(target.Endpoint), update);
            if (!append.IsCompletedSuccessfully) append.AsTask().GetAwaiter().GetResult();
            Stored++;
            _acknowledged.TryAdd((target.Endpoint, SimCluster.KeyOf(update), SimCluster.TimestampOf(update)), _node.Now);
            return true;
        }
        catch (Exception e) when (e is IOException or FASTER.core.FasterException)
        {
            return false; // the disk failed the commit (the node's HintRecorder logs it and reports no hint)
        }
    }

    /// <summary>
    /// What the node's <c>HintDeliveryService</c> does each round: for every target with hints that this node sees
    /// alive, one replay (unless one is still running for it).
    /// </summary>
    public void ReplayToLiveTargets()
    {
        if (_store is null) return;
        foreach (var hostId in _store.Targets.Order())
        {
            string target = SimCluster.EndpointOf(hostId);
            if (target == _node.Endpoint || !_node.IsAlive(target) || !_replaying.Add(hostId)) continue;
            var store = _store;
            var replay = store.ReplayAsync(hostId, (mutation, _) => Send(target, mutation));
            if (replay.IsCompleted) Finished(store, hostId, replay);
            else replay.ContinueWith(t => Finished(store, hostId, t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Finished(HintStore store, Guid hostId, Task<HintReplayResult> replay)
    {
        CheckThread("a hint replay finished");
        if (!ReferenceEquals(store, _store)) return; // a replay of an incarnation that is gone
        _replaying.Remove(hostId);
        if (replay.IsFaulted) _cluster.EngineFailures.Add($"{_node.Endpoint}: hint replay to {SimCluster.EndpointOf(hostId)} failed: {replay.Exception!.GetBaseException().Message}");
    }

    private Task<bool> Send(string target, PartitionUpdate mutation)
    {
        CheckThread("a hint was sent");
        // Continuations run inline: when the answer arrives, the replayer goes on inside that simulated event.
        var answered = new TaskCompletionSource<bool>();
        var flight = (target, answered);
        _inFlight.Add(flight);
        answered.Task.ContinueWith(_ => _inFlight.Remove(flight), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        int key = SimCluster.KeyOf(mutation);
        long timestamp = SimCluster.TimestampOf(mutation);
        _node.Request(target, new MutateRequest(MutationKind.HintReplay, MutationMessage.For(mutation), timestamp), key, (from, answer) =>
        {
            bool ok = answer is MutateAck;
            if (ok)
            {
                _delivered.Add((target, key, timestamp));
                _cluster.Log.Add(_node.Now, key, $"{_node.Endpoint}: hint for {from} ts {timestamp} delivered");
            }
            answered.TrySetResult(ok);
        });
        // The node's messaging gives up after the request timeout; the replayer then stops and resumes at this hint.
        _node.Timer(_cluster.Options.RequestTimeout, () => answered.TrySetResult(false));
        return answered.Task;
    }

    /// <summary>Undelivered hints per target (what the end-of-run drain check reports), read back from the logs.</summary>
    public IReadOnlyList<PendingHint> Pending()
    {
        if (_store is null) return [];
        var pending = new List<PendingHint>();
        foreach (var hostId in _store.Targets.Order())
        {
            foreach (var (createdAt, mutation) in _store.ReadPending(hostId))
            {
                var storedAt = createdAt - SimClock.Epoch;
                pending.Add(new PendingHint(_node.Endpoint, SimCluster.EndpointOf(hostId), SimCluster.KeyOf(mutation), SimCluster.TimestampOf(mutation), storedAt));
            }
        }
        return pending;
    }

    /// <summary>A target left the ring: its hints are deleted (the node does so on gossip's LEFT) and no longer owed.</summary>
    public void DeleteAllFor(string endpoint)
    {
        _departed.Add(endpoint);
        if (_store is null) return;
        // The node's messaging fails requests to a node that is gone: a replay parked on one stops (inline), so the
        // delete does not wait for it forever.
        foreach (var waiting in _inFlight.Where(f => f.Target == endpoint).ToList()) waiting.Answered.TrySetResult(false);
        var delete = _store.DeleteAllAsync(SimCluster.HostIdOf(endpoint));
        delete.GetAwaiter().GetResult();
    }

    private readonly HashSet<string> _departed = new(StringComparer.Ordinal);
    private readonly List<(string Target, TaskCompletionSource<bool> Answered)> _inFlight = [];

    /// <summary>
    /// Hints the store acknowledged as durable that no target ever acknowledged and that the store no longer holds:
    /// lost (a durable hint survives every crash; only delivery, expiry or the per-host cap may remove it, and this
    /// workload reaches neither limit). Call at the end of a run.
    /// </summary>
    public IReadOnlyList<PendingHint> Lost(IReadOnlyList<PendingHint> pending)
    {
        var held = pending.Where(p => p.Holder == _node.Endpoint).Select(p => (p.Target, p.Key, p.Timestamp)).ToHashSet();
        return [.. _acknowledged.Where(a => !_delivered.Contains(a.Key) && !held.Contains(a.Key) && !_departed.Contains(a.Key.Target)).OrderBy(a => a.Value)
            .Select(a => new PendingHint(_node.Endpoint, a.Key.Target, a.Key.Key, a.Key.Timestamp, a.Value))];
    }

    /// <summary>Hints not yet delivered, by the store's count (every target, expired ones until a replay drops them).</summary>
    public long PendingCount => _store is null ? 0 : _store.Targets.Sum(t => _store.GetStats(t).PendingCount);

    private void CheckThread(string what)
    {
        if (Environment.CurrentManagedThreadId != _cluster.ThreadId)
            _cluster.EngineFailures.Add($"{_node.Endpoint}: {what} on another thread than the simulator's (the run is no longer deterministic)");
    }
}
