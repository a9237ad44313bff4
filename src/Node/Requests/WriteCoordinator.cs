using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Gossip.Ring;
using RingStore.Node.Coordination;
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

    public async Task WriteAsync(string keyspace, PartitionUpdate update, ConsistencyLevel consistency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        long started = Stopwatch.GetTimestamp();
        var replicas = lookup.For(keyspace, update.PartitionKey);
        WritePlan plan;
        try
        {
            plan = ReplicaPlanner.PlanWrite(replicas.Natural, replicas.Pending, ReplicaReachability.IsUsable(replicas.Membership, messaging), consistency,
                replicas.Strategy, replicas.Membership.LocalDatacenter);
        }
        catch (UnavailableException)
        {
            metrics.Unavailable();
            throw;
        }

        // Like Unavailable, a guardrail refusal comes before anything is sent.
        DiskGuardrail.CheckWrite(plan.Targets, endpoint =>
            int.TryParse(replicas.Membership.Find(endpoint)?.State.Get(RingStore.Gossip.State.ApplicationState.DiskUsage),
                System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int used) ? used : null);
        var tracker = new WriteResponseTracker(plan);
        var outcome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Read-your-writes at ONE: a coordinator that is itself a replica answers a ONE write only once its own copy is
        // applied (or failed), so its next ONE read, which prefers the local replica, sees the write. The consistency
        // contract is unchanged (one acknowledgement); only which one is waited for.
        bool waitForLocal = consistency is ConsistencyLevel.One or ConsistencyLevel.LocalOne
            && plan.Targets.Any(t => t.Endpoint == replicas.Membership.LocalEndpoint);
        bool localDone = !waitForLocal;
        void Record(Action<WriteResponseTracker> change)
        {
            lock (tracker)
            {
                change(tracker);
                if (tracker.IsSatisfied && localDone) outcome.TrySetResult();
                // Failed for good: answer once every replica has answered (so the counts are what happened), or at the timeout.
                else if (tracker.IsFailed && !tracker.Outstanding.Any()) outcome.TrySetException(tracker.ToFailure());
            }
        }

        foreach (var replica in plan.Down)
        {
            if (await hints.TryHintAsync(replicas.Membership, replica, update).ConfigureAwait(false))
                Record(t => t.RecordHint(replica.Endpoint));
        }

        byte[]? payload = null;
        foreach (var replica in plan.Targets)
        {
            if (replica.Endpoint == replicas.Membership.LocalEndpoint)
            {
                _ = ApplyLocallyAsync(update, replica, change => Record(t =>
                {
                    change(t);
                    localDone = true;
                }), ct);
            }
            else
            {
                payload ??= CoordinationMessageSerializer.Serialize(MutationMessage.For(update));
                _ = SendAsync(replicas.Membership, replica, update, payload, Record);
            }
        }
        if (plan.Targets.Count == 0) Record(_ => { });

        try
        {
            await outcome.Task.WaitAsync(writeTimeout, time, ct).ConfigureAwait(false);
            metrics.RecordWrite(Stopwatch.GetElapsedTime(started));
        }
        catch (TimeoutException)
        {
            metrics.WriteTimeout();
            lock (tracker) throw tracker.IsFailed ? tracker.ToFailure() : tracker.ToTimeoutException();
        }
        catch (WriteTimeoutException)
        {
            metrics.WriteTimeout();
            throw;
        }
        catch (WriteFailureException)
        {
            metrics.WriteTimeout();
            throw;
        }
    }

    private async Task ApplyLocallyAsync(PartitionUpdate update, NodeInfo self, Action<Action<WriteResponseTracker>> record, CancellationToken ct)
    {
        try
        {
            await local.ApplyAsync(update, ct).ConfigureAwait(false);
            record(t => t.RecordAck(self.Endpoint));
        }
#pragma warning disable CA1031 // the failure is counted against the consistency level and logged
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Local write to {Table} failed", update.Table);
            record(t => t.RecordFailure(self.Endpoint, $"{e.GetType().Name}: {e.Message}"));
        }
    }

    private async Task SendAsync(Cluster.MembershipSnapshot membership, NodeInfo replica, PartitionUpdate update, byte[] payload,
        Action<Action<WriteResponseTracker>> record)
    {
        try
        {
            // No client cancellation here: once sent, the write runs to an ack or a hint either way.
            await messaging.SendRequestAsync(PeerAddress.Parse(replica.Endpoint), Verb.Mutation, payload, writeTimeout, CancellationToken.None)
                .ConfigureAwait(false);
            record(t => t.RecordAck(replica.Endpoint));
        }
        catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException)
        {
            // An error answer (disk full, I/O error) is the replica telling us it failed; a timeout or lost connection is not.
            string? error = e is RequestFailedException { Reason: RequestFailureReason.RemoteHandlerFailed } f ? f.Detail : null;
            if (error is not null) ReplicaFailureLog.Warn(logger, time, replica.Endpoint, error);
            else logger.LogDebug("Write to {Replica} failed ({Reason}); hinting it", replica.Endpoint, e.Message);
            bool hinted = await hints.TryHintAsync(membership, replica, update).ConfigureAwait(false);
            record(t =>
            {
                t.RecordFailure(replica.Endpoint, error);
                if (hinted) t.RecordHint(replica.Endpoint);
            });
        }
    }
}
