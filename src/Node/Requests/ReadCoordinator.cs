using Microsoft.Extensions.Logging;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Coordination.Operations;
using RingStore.Core.Data;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Storage.Engine;

namespace RingStore.Node.Requests;

/// <summary>The rows a read returns and where the next page starts (null when the slice is exhausted).</summary>
public sealed record ReadResult(IReadOnlyList<Core.Data.Row> Rows, byte[]? PagingState);

/// <summary>
/// Coordinates one partition read: ask the fastest live replica for data and the others the consistency level
/// needs for digests; send one extra request if a replica is slower than the table's speculative-retry threshold;
/// on a digest mismatch fetch full data from every replica that answered, resolve with the merge rule, write each
/// stale replica its repair and wait for the acks (blocking read repair: a value once returned at QUORUM is on a
/// quorum, so later QUORUM reads cannot go backwards), then answer. A replica that answers with an error (corrupt
/// SSTable, I/O error, failed disk, too many tombstones) is replaced by the next live candidate like one that failed
/// to answer; if the level still cannot be met, the read fails as a ReadFailure carrying each replica's reason, once
/// every replica asked has answered or at the deadline (never a ReadTimeout with a made-up count).
/// </summary>
public sealed class ReadCoordinator(
    ReplicaLookup lookup,
    LocalReplica local,
    IMessagingService messaging,
    ReplicaLatencyTracker latency,
    NodeMetrics metrics,
    TimeSpan readTimeout,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>No speculation below this: a sub-millisecond p99 would fire an extra request on every timer tick.</summary>
    public static readonly TimeSpan MinSpeculativeThreshold = TimeSpan.FromMilliseconds(1);

    private readonly long _origin = time.GetTimestamp();
    private readonly ReadRepairSender _repairs = new(local, messaging, readTimeout);

    private TimeSpan Now => time.GetElapsedTime(_origin);

    // What a ReadRun performs effects with (a nested class cannot see primary-constructor parameters).
    private TimeProvider Time => time;
    private NodeMetrics Metrics => metrics;
    private IMessagingService Messaging => messaging;
    private TimeSpan Timeout => readTimeout;
    private ReplicaLatencyTracker Latency => latency;
    private ILogger Logger => logger;

    public async Task<ReadResult> ReadAsync(string keyspace, SliceQuery query, ConsistencyLevel consistency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        long started = time.GetTimestamp();
        var replicas = lookup.For(keyspace, query.PartitionKey);
        ReadPlan plan;
        try
        {
            plan = ReplicaPlanner.PlanRead(replicas.Natural, ReplicaReachability.IsUsable(replicas.Membership, messaging), consistency, replicas.Strategy,
                replicas.Membership.LocalDatacenter, Score, replicas.Membership.LocalEndpoint);
        }
        catch (UnavailableException)
        {
            metrics.Unavailable(MetricTags.Read, consistency);
            throw;
        }

        TimeSpan? speculateAfter;
        lock (latency) speculateAfter = latency.SpeculativeRetryThreshold(query.Table);
        if (speculateAfter < MinSpeculativeThreshold) speculateAfter = MinSpeculativeThreshold;
        var operation = new ReadOperation(plan, query, (int)time.GetUtcNow().ToUnixTimeSeconds(), readTimeout, speculateAfter);
        using var run = new ReadRun(this, operation, query, replicas.Membership, ct);
        run.On(o => o.Start(run.Now));
        try
        {
            var result = await run.Answered.WaitAsync(ct).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            metrics.RecordRead(elapsed, consistency);
            lock (latency) latency.RecordTableRead(query.Table, elapsed);
            return result;
        }
        catch (Exception e) when (e is ReadTimeoutException or ReadFailureException)
        {
            metrics.ReadTimeout(consistency);
            throw;
        }
    }

    /// <summary>
    /// Drives one <see cref="ReadOperation"/>: events go in under its lock, the effects it returns are performed
    /// outside it (asks, fetches, repairs, timers, the answer), and each outcome comes back as the next event. Work it
    /// started is cancelled when the client goes away or at the deadline, not when the answer is in.
    /// </summary>
    private sealed class ReadRun : IDisposable
    {
        private readonly ReadCoordinator _owner;
        private readonly ReadOperation _operation;
        private readonly MembershipSnapshot _membership;
        private readonly TaskCompletionSource<ReadResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _work;
        private readonly ReadCommandMessage _dataCommand;
        private readonly ReadCommandMessage _digestCommand;
        private readonly long _origin;
        private readonly List<ITimer> _timers = [];

        public ReadRun(ReadCoordinator owner, ReadOperation operation, SliceQuery query, MembershipSnapshot membership, CancellationToken ct)
        {
            _owner = owner;
            _operation = operation;
            _membership = membership;
            _work = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _dataCommand = ReadCommandMessage.For(query, digestOnly: false);
            _digestCommand = ReadCommandMessage.For(query, digestOnly: true);
            _origin = owner.Time.GetTimestamp();
        }

        public Task<ReadResult> Answered => _answer.Task;

        /// <summary>
        /// The timer's due time for <paramref name="at"/>: zero when it already passed (the machine was started with
        /// the time its run began; by the time an effect is performed that can be a few ms ago, and a negative due
        /// time would throw).
        /// </summary>
        private TimeSpan Until(TimeSpan at) => at > Now ? at - Now : TimeSpan.Zero;

        public TimeSpan Now => _owner.Time.GetElapsedTime(_origin);

        public void On(Func<ReadOperation, IReadOnlyList<ReadEffect>> happened)
        {
            IReadOnlyList<ReadEffect> effects;
            lock (_operation) effects = happened(_operation);
            foreach (var effect in effects) Perform(effect);
        }

        private void Perform(ReadEffect effect)
        {
            switch (effect)
            {
                case ReadEffect.Ask ask:
                    _ = AskAsync(ask.Replica, ask.DigestOnly ? _digestCommand : _dataCommand);
                    break;
                case ReadEffect.FetchData fetch:
                    _ = FetchDataAsync(fetch.Replica.Endpoint);
                    break;
                case ReadEffect.SendRepair repair:
                    _ = RepairAsync(repair.Endpoint, repair.Repair);
                    break;
                case ReadEffect.ArmSpeculation arm:
                    Arm(arm.At, o => o.OnSpeculationDue());
                    break;
                case ReadEffect.ArmTimeout arm:
                    Arm(arm.At, o =>
                    {
                        // Past the deadline nothing this read started is of use: stop local row loops and pending asks.
                        CancelWork();
                        return o.OnTimeout();
                    });
                    break;
                case ReadEffect.SpeculatedRetry:
                    _owner.Metrics.SpeculativeRetry();
                    break;
                case ReadEffect.DigestMismatch:
                    _owner.Metrics.ReadRepair();
                    break;
                case ReadEffect.Answer answer:
                    if (answer.Error is null) _answer.TrySetResult(new ReadResult(answer.Rows, answer.PagingState));
                    else _answer.TrySetException(answer.Error);
                    break;
            }
        }

        private void Arm(TimeSpan at, Func<ReadOperation, IReadOnlyList<ReadEffect>> fired)
        {
            lock (_timers) _timers.Add(_owner.Time.CreateTimer(_ => On(fired), null, Until(at), System.Threading.Timeout.InfiniteTimeSpan));
        }

        private async Task AskAsync(NodeInfo replica, ReadCommandMessage command)
        {
            long sent = _owner.Time.GetTimestamp();
            try
            {
                ReadResponseMessage response;
                if (replica.Endpoint == _membership.LocalEndpoint)
                {
                    response = _owner.ReadLocally(command, _work.Token);
                }
                else
                {
                    var reply = await _owner.Messaging.SendRequestAsync(PeerAddress.Parse(replica.Endpoint), command.DigestOnly ? Verb.DigestRead : Verb.Read,
                        CoordinationMessageSerializer.Serialize(command), _owner.Timeout, _work.Token).ConfigureAwait(false);
                    response = CoordinationMessageSerializer.Deserialize<ReadResponseMessage>(reply.Payload);
                }
                var took = _owner.Time.GetElapsedTime(sent);
                lock (_owner.Latency) _owner.Latency.RecordReplicaLatency(replica.Endpoint, took, _owner.Now);
                ClientWarnings.AddAll(response.Warnings);
                On(o => o.OnResponse(replica, response));
            }
            catch (Exception e) when (ReplicaRefusal.From(e) is { } refusal)
            {
                // The replica stopped the read at the tombstone failure threshold: another replica holds the same
                // tombstones, so none is asked instead, and the read fails (ReadFailure) with the replica's reason.
                _owner.Logger.LogDebug("Read from {Replica} refused: {Reason}", replica.Endpoint, refusal.Message);
                On(o => o.OnRefused(replica.Endpoint, refusal.Message));
            }
            catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException or OperationCanceledException or FormatException
                                           or LocalReadException)
            {
                if (_work.IsCancellationRequested) return; // answered or abandoned: nothing left to decide
                // An error answer (corrupt SSTable, I/O error, failed disk, too many tombstones) is the replica telling us it
                // failed: a warning, and the reason goes into a ReadFailure; a timeout or lost connection is not.
                string? error = ReplicaError(e);
                if (error is not null) ReplicaFailureLog.Warn(_owner.Logger, _owner.Time, replica.Endpoint, error, "read");
                else _owner.Logger.LogDebug("Read from {Replica} failed: {Reason}", replica.Endpoint, e.Message);
                // A failure counts as a very slow answer, so the next reads prefer other replicas.
                lock (_owner.Latency) _owner.Latency.RecordReplicaLatency(replica.Endpoint, _owner.Timeout, _owner.Now);
                On(o => o.OnFailure(replica.Endpoint, error));
            }
        }

        private async Task FetchDataAsync(string endpoint)
        {
            try
            {
                ReadResponseMessage response;
                if (endpoint == _membership.LocalEndpoint)
                {
                    response = _owner.ReadLocally(_dataCommand, _work.Token);
                }
                else
                {
                    var reply = await _owner.Messaging.SendRequestAsync(PeerAddress.Parse(endpoint), Verb.Read,
                        CoordinationMessageSerializer.Serialize(_dataCommand), _owner.Timeout, _work.Token).ConfigureAwait(false);
                    response = CoordinationMessageSerializer.Deserialize<ReadResponseMessage>(reply.Payload);
                }
                ClientWarnings.AddAll(response.Warnings);
                var data = response.ToReplicaResponse(endpoint);
                On(o => o.OnDataFetched(data));
            }
            catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException or OperationCanceledException or FormatException
                                           or LocalReadException)
            {
                if (_work.IsCancellationRequested) return;
                On(o => o.OnFetchFailed(endpoint, ReplicaError(e)));
            }
        }

        private async Task RepairAsync(string endpoint, PartitionUpdate repair)
        {
            try
            {
                await _owner._repairs.RepairAsync(_membership, endpoint, repair, _work.Token).ConfigureAwait(false);
                On(o => o.OnRepairAcked(endpoint));
            }
#pragma warning disable CA1031 // any failure of the repair write is the operation's to judge (a stand-in, or a timeout)
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (_work.IsCancellationRequested) return;
                _owner.Logger.LogDebug("Read repair to {Replica} failed ({Reason})", endpoint, e.Message);
                On(o => o.OnRepairFailed(endpoint));
            }
        }

        private void CancelWork()
        {
            try
            {
                _work.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The read already returned.
            }
        }

        public void Dispose()
        {
            // Asks still in flight are left to finish (or time out): a slow replica's late answer is what teaches the
            // latency tracker to prefer the others. Only the client going away cancels them (the linked token).
            lock (_timers) foreach (var timer in _timers) timer.Dispose();
            _work.Dispose();
        }
    }

    /// <summary>
    /// The reason a replica answered with an error (the remote handler's own text, or the local engine's exception),
    /// or null when it did not answer at all (timeout, lost connection, cancelled).
    /// </summary>
    private static string? ReplicaError(Exception e) => e switch
    {
        RequestFailedException { Reason: RequestFailureReason.RemoteHandlerFailed } f => f.Detail,
        LocalReadException l => l.Reason,
        _ => null,
    };

    /// <summary>The local replica's read failed (corrupt SSTable, I/O error, unknown table ...): an error answer like a remote one's.</summary>
    private sealed class LocalReadException(Exception inner) : Exception(inner.Message, inner)
    {
        public string Reason { get; } = $"{inner.GetType().Name}: {inner.Message}";
    }

    private ReadResponseMessage ReadLocally(ReadCommandMessage command, CancellationToken ct)
    {
        try
        {
            return local.Read(command, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new LocalReadException(e);
        }
    }

    private double Score(string endpoint)
    {
        lock (latency) return latency.ScoreFor(endpoint, Now);
    }
}
