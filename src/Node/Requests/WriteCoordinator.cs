using Microsoft.Extensions.Logging;
using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Gossip.Ring;
using RingStore.Coordination;
using RingStore.Coordination.Operations;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;

namespace RingStore.Node.Requests;

/// <summary>
/// Coordinates one partition write: plan (Unavailable before anything is sent), hint the replicas known down,
/// send to every live natural and pending replica (the local one straight to the engine), and answer as soon as
/// the consistency level's acks are in, or WriteTimeout with how many acked. Replicas that fail or time out get
/// a hint even after the client has its answer, so they converge when they come back.
/// </summary>
public sealed class WriteCoordinator(
    ReplicaLookup lookup,
    LocalReplica local,
    IMessagingService messaging,
    HintRecorder hints,
    NodeMetrics metrics,
    TimeSpan writeTimeout,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The data-disk-usage guardrail, read from each replica's gossiped DISK_USAGE; off by default.</summary>
    public DiskUsageGuardrail DiskGuardrail { get; init; } = DiskUsageGuardrail.Off;

    // What a WriteRun performs effects with (a nested class cannot see primary-constructor parameters).
    private LocalReplica Local => local;
    private IMessagingService Messaging => messaging;
    private HintRecorder Hints => hints;
    private TimeSpan Timeout => writeTimeout;
    private TimeProvider Time => time;

    /// <summary>Every write's timeout on one timer instead of an <see cref="ITimer"/> per write.</summary>
    private DeadlineWheel Deadlines { get; } = new(time);
    private ILogger Logger => logger;

    public async Task WriteAsync(string keyspace, PartitionUpdate update, ConsistencyLevel consistency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        long started = time.GetTimestamp();
        var replicas = lookup.For(keyspace, update.PartitionKey);
        WritePlan plan;
        try
        {
            plan = ReplicaPlanner.PlanWrite(replicas.Natural, replicas.Pending, ReplicaReachability.IsUsable(replicas.Membership, messaging), consistency,
                replicas.Strategy, replicas.Membership.LocalDatacenter);
        }
        catch (UnavailableException)
        {
            metrics.Unavailable(MetricTags.Write, consistency);
            throw;
        }

        // Like Unavailable, a guardrail refusal comes before anything is sent.
        if (DiskGuardrail.FailPercent > 0) CheckDiskUsage(plan, replicas.Membership);
        // Read-your-writes at ONE: a coordinator that is itself a replica answers a ONE write only once its own copy is
        // applied (or failed), so its next ONE read, which prefers the local replica, sees the write. The consistency
        // contract is unchanged (one acknowledgement); only which one is waited for.
        bool waitForLocal = consistency is ConsistencyLevel.One or ConsistencyLevel.LocalOne;
        var operation = new WriteOperation(plan, replicas.Membership.LocalEndpoint, waitForLocal, writeTimeout);
        using var run = new WriteRun(this, operation, update, replicas.Membership, ct);
        // The client's cancellation ends its wait (not the write: once sent it runs to an ack or a hint either way);
        // a registration on the token instead of Task.WaitAsync, which allocates a promise per write.
        using var cancelled = ct.CanBeCanceled ? ct.UnsafeRegister(static (s, token) => ((WriteRun)s!).Cancel(token), run) : default;
        run.Start();
        try
        {
            await run.Answered.ConfigureAwait(false);
            metrics.RecordWrite(time.GetElapsedTime(started), consistency);
        }
        catch (Exception e) when (e is WriteTimeoutException or WriteFailureException)
        {
            metrics.WriteTimeout(consistency);
            throw;
        }
    }

    /// <summary>
    /// The data-disk-usage guardrail over the plan's targets (a method of its own: a lambda capturing the replicas in
    /// <see cref="WriteAsync"/> would allocate its closure on every write, guardrail on or off).
    /// </summary>
    private void CheckDiskUsage(WritePlan plan, MembershipSnapshot membership) =>
        DiskGuardrail.CheckWrite(plan.Targets, endpoint =>
            int.TryParse(membership.Find(endpoint)?.State.Get(RingStore.Gossip.State.ApplicationState.DiskUsage),
                System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int used) ? used : null);

    /// <summary>
    /// Drives one <see cref="WriteOperation"/>: events go in under its lock, the effects it returns are performed
    /// outside it (hint, local apply, send, the timer, the answer), and each outcome comes back as the next event.
    /// </summary>
    private sealed class WriteRun(WriteCoordinator owner, WriteOperation operation, PartitionUpdate update,
        RingStore.Gossip.Ring.MembershipSnapshot membership, CancellationToken ct) : DeadlineEntry, IResponseHandler, IDisposable
    {
        private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly long _origin = owner.Time.GetTimestamp();
        private byte[]? _payload;

        public Task Answered => _answer.Task;

        /// <summary>
        /// The deadline's due time for <paramref name="at"/>: zero when it already passed (the machine was started with
        /// the time its run began; by the time an effect is performed that can be a few ms ago, and a negative due
        /// time would throw).
        /// </summary>
        private TimeSpan Until(TimeSpan at) => at > Now ? at - Now : TimeSpan.Zero;

        /// <summary>Time since this write started, on the coordinator's TimeProvider.</summary>
        public TimeSpan Now => owner.Time.GetElapsedTime(_origin);

        /// <summary>The client gave up waiting: its answer is a cancellation (the write itself goes on).</summary>
        public void Cancel(CancellationToken token) => _answer.TrySetCanceled(token);

        // One method per event instead of a lambda per event: each would allocate a closure on every write.
        public void Start()
        {
            IReadOnlyList<WriteEffect> effects;
            lock (operation) effects = operation.Start(Now);
            Perform(effects);
        }

        private void OnAck(string endpoint)
        {
            IReadOnlyList<WriteEffect> effects;
            lock (operation) effects = operation.OnAck(endpoint);
            Perform(effects);
        }

        private void OnFailure(string endpoint, string? error)
        {
            IReadOnlyList<WriteEffect> effects;
            lock (operation) effects = operation.OnFailure(endpoint, error);
            Perform(effects);
        }

        private void OnHintResult(string endpoint, bool stored)
        {
            IReadOnlyList<WriteEffect> effects;
            lock (operation) effects = operation.OnHintResult(endpoint, stored);
            Perform(effects);
        }

        private void OnTimeout()
        {
            IReadOnlyList<WriteEffect> effects;
            lock (operation) effects = operation.OnTimeout();
            Perform(effects);
        }

        private void Perform(IReadOnlyList<WriteEffect> effects)
        {
            for (int i = 0; i < effects.Count; i++) Perform(effects[i]);
        }

        private void Perform(WriteEffect effect)
        {
            switch (effect)
            {
                case WriteEffect.StoreHint hint:
                    _ = HintAsync(hint.Replica);
                    break;
                case WriteEffect.ApplyLocally apply:
                    _ = ApplyLocallyAsync(apply.Replica);
                    break;
                case WriteEffect.SendMutation send:
                    _payload ??= CoordinationMessageSerializer.Serialize(MutationMessage.For(update));
                    Send(send.Replica, _payload);
                    break;
                case WriteEffect.ArmTimeout arm:
                    owner.Deadlines.Register(this, Until(arm.At), ticket: 0);
                    break;
                case WriteEffect.Answer answer:
                    if (answer.Error is null) _answer.TrySetResult();
                    else _answer.TrySetException(answer.Error);
                    break;
            }
        }

        private async Task HintAsync(NodeInfo replica)
        {
            bool stored = await owner.Hints.TryHintAsync(membership, replica, update).ConfigureAwait(false);
            OnHintResult(replica.Endpoint, stored);
        }

        private async Task ApplyLocallyAsync(NodeInfo self)
        {
            try
            {
                await owner.Local.ApplyAsync(update, ct).ConfigureAwait(false);
                OnAck(self.Endpoint);
            }
#pragma warning disable CA1031 // the failure is counted against the consistency level and logged
            catch (Exception e)
#pragma warning restore CA1031
            {
                owner.Logger.LogError(e, "Local write to {Table} failed", update.Table);
                OnFailure(self.Endpoint, $"{e.GetType().Name}: {e.Message}");
            }
        }

        /// <summary>
        /// Sends the mutation with a callback (this run, the replica as its state) rather than an awaited task: no task,
        /// completion source, response or async state machine per replica. No client cancellation here: once sent, the
        /// write runs to an ack or a hint either way.
        /// </summary>
        private void Send(NodeInfo replica, byte[] payload)
        {
            try
            {
                owner.Messaging.SendRequest(PeerAddress.Parse(replica.Endpoint), Verb.Mutation, payload, owner.Timeout, this, replica);
            }
            catch (Exception e) when (e is ArgumentException or ObjectDisposedException or InvalidOperationException)
            {
                // Not sendable at all (a payload over the frame limit, messaging stopped): the replica stays outstanding
                // and the write ends at its timeout, as when the send's task faulted before.
                owner.Logger.LogWarning(e, "Write to {Replica} could not be sent", replica.Endpoint);
            }
        }

        /// <summary>The replica acknowledged; runs on the connection's read loop, so only the (short, non-blocking) ack bookkeeping happens here.</summary>
        void IResponseHandler.OnResponse(object? state, ReadOnlyMemory<byte> payload) => OnAck(((NodeInfo)state!).Endpoint);

        /// <summary>A failure leads to logging and a hint (disk): on the thread pool, not on the read loop or timer that reported it.</summary>
        void IResponseHandler.OnFailure(object? state, Exception error)
        {
            if (error is not (RequestTimeoutException or RequestFailedException or IOException)) return;
            ThreadPool.UnsafeQueueUserWorkItem(static f => f.Run.SendFailed(f.Replica, f.Error), (Run: this, Replica: (NodeInfo)state!, Error: error), preferLocal: false);
        }

        private void SendFailed(NodeInfo replica, Exception e)
        {
            // An error answer (disk full, I/O error) is the replica telling us it failed; a timeout or lost connection is not.
            string? error = e is RequestFailedException { Reason: RequestFailureReason.RemoteHandlerFailed } f ? f.Detail : null;
            if (error is not null) ReplicaFailureLog.Warn(owner.Logger, owner.Time, replica.Endpoint, error);
            else owner.Logger.LogDebug("Write to {Replica} failed ({Reason}); hinting it", replica.Endpoint, e.Message);
            OnFailure(replica.Endpoint, error);
        }

        /// <summary>The coordinator's wheel says the write's timeout passed.</summary>
        protected internal override void OnDeadline(long ticket) => OnTimeout();

        public void Dispose() => owner.Deadlines.Unregister(this);
    }
}
