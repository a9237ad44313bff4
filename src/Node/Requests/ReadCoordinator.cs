using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Node.Coordination;
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

    public async Task<ReadResult> ReadAsync(string keyspace, SliceQuery query, ConsistencyLevel consistency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        long started = Stopwatch.GetTimestamp();
        var replicas = lookup.For(keyspace, query.PartitionKey);
        ReadPlan plan;
        try
        {
            plan = ReplicaPlanner.PlanRead(replicas.Natural, ReplicaReachability.IsUsable(replicas.Membership, messaging), consistency, replicas.Strategy,
                replicas.Membership.LocalDatacenter, Score, replicas.Membership.LocalEndpoint);
        }
        catch (UnavailableException)
        {
            metrics.Unavailable();
            throw;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(readTimeout);
        var round = new ReadRound(plan);
        try
        {
            var result = await ExecuteAsync(replicas.Membership, plan, round, query, deadline.Token).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RecordRead(elapsed);
            lock (latency) latency.RecordTableRead(query.Table, elapsed);
            return result;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The deadline passed: what the round got so far (a ReadFailure if a replica already answered with an error).
            metrics.ReadTimeout();
            throw round.Failure();
        }
        catch (Exception e) when (e is ReadTimeoutException or ReadFailureException)
        {
            metrics.ReadTimeout();
            throw;
        }
        catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException)
        {
            // A read repair write failed: the answer could not be made safe in time.
            metrics.ReadTimeout();
            throw new ReadTimeoutException(consistency, plan.BlockFor - 1, plan.BlockFor, true);
        }
    }

    private async Task<ReadResult> ExecuteAsync(MembershipSnapshot membership, ReadPlan plan, ReadRound round, SliceQuery query, CancellationToken ct)
    {
        var dataCommand = ReadCommandMessage.For(query, digestOnly: false);
        var digestCommand = ReadCommandMessage.For(query, digestOnly: true);
        for (int i = 0; i < plan.Contacts.Count; i++)
            _ = AskAsync(membership, plan.Contacts[i], i == 0 ? dataCommand : digestCommand, round, ct);

        // Speculative retry: if the answer is not in by the table's threshold, ask one more replica for data.
        TimeSpan? threshold;
        lock (latency) threshold = latency.SpeculativeRetryThreshold(query.Table);
        if (threshold is { } wait && plan.SpeculativeCandidate is not null &&
            await Task.WhenAny(round.Completion, Task.Delay(wait < MinSpeculativeThreshold ? MinSpeculativeThreshold : wait, time, ct)).ConfigureAwait(false) != round.Completion &&
            !round.Completion.IsCompleted && round.TryTakeNextCandidate() is { } extra)
        {
            metrics.SpeculativeRetry();
            _ = AskAsync(membership, extra, dataCommand, round, ct);
        }
        await round.Completion.WaitAsync(ct).ConfigureAwait(false);

        var answers = round.Snapshot();
        var data = answers.Where(a => !a.Response.IsDigest).ToList();
        byte[] expected = data[0].Response.DigestOrCompute();
        bool consistent = answers.All(a => a.Response.DigestOrCompute().AsSpan().SequenceEqual(expected));
        int nowSeconds = (int)time.GetUtcNow().ToUnixTimeSeconds();
        if (consistent)
        {
            var single = ReadResolver.Resolve(query, [data[0].Response.ToReplicaResponse(data[0].Endpoint)], nowSeconds);
            return new ReadResult(single.VisibleRows, single.ResumeAfter);
        }

        // Digest mismatch: full data from everyone who answered, resolve, repair, wait.
        metrics.ReadRepair();
        var fetches = answers.Select(a => a.Response.IsDigest
            ? FetchDataAsync(membership, a.Endpoint, dataCommand, ct)
            : Task.FromResult(a.Response.ToReplicaResponse(a.Endpoint))).ToList();
        try
        {
            await Task.WhenAll(fetches).ConfigureAwait(false);
        }
        catch (Exception) when (FailuresOf(fetches, answers) is { Count: > 0 } failures)
        {
            // A replica that sent a digest now answers its data read with an error: the data read cannot be resolved
            // without it (the digests disagreed), so the read fails with what did answer.
            throw new ReadFailureException(plan.Consistency, fetches.Count(f => f.IsCompletedSuccessfully), plan.BlockFor,
                fetches.Any(f => f.IsCompletedSuccessfully), failures);
        }
        var full = fetches.Select(f => f.Result).ToList();
        var resolution = ReadResolver.Resolve(query, full, nowSeconds);
        await RepairAsync(membership, plan, answers.Select(a => a.Endpoint).ToHashSet(StringComparer.Ordinal), resolution, ct).ConfigureAwait(false);
        return new ReadResult(resolution.VisibleRows, resolution.ResumeAfter);
    }

    /// <summary>
    /// Blocking read repair. A replica whose repair fails (its disk just failed, it is leaving the ring) is stood in
    /// for by a live replica that took no part in the read, sent the whole resolved partition (Cassandra's additional
    /// repair writes): once it acknowledges, what the read returns is on as many replicas as the level needs. Without
    /// a stand-in that acknowledges, the read fails (ReadTimeout, as before).
    /// </summary>
    private async Task RepairAsync(MembershipSnapshot membership, ReadPlan plan, HashSet<string> answered, ReadResolution resolution, CancellationToken ct)
    {
        var repairs = resolution.Repairs.Select(r => (Endpoint: r.Key, Task: _repairs.RepairAsync(membership, r.Key, r.Value, ct))).ToList();
        try
        {
            await Task.WhenAll(repairs.Select(r => r.Task)).ConfigureAwait(false);
            return;
        }
        catch (Exception) when (!ct.IsCancellationRequested && resolution.ForAbsentReplica is not null)
        {
            // Below: one stand-in per failed repair.
        }
        var spares = new Queue<NodeInfo>(plan.Candidates.Where(c => !answered.Contains(c.Endpoint)));
        foreach (var (endpoint, task) in repairs.Where(r => !r.Task.IsCompletedSuccessfully))
        {
            logger.LogDebug("Read repair to {Replica} failed ({Reason}); sending the resolved partition to another replica", endpoint,
                task.Exception?.InnerException?.Message);
            while (true)
            {
                if (!spares.TryDequeue(out var spare)) await task.ConfigureAwait(false); // rethrows the repair's failure
                try
                {
                    await _repairs.RepairAsync(membership, spare!.Endpoint, resolution.ForAbsentReplica!, ct).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException && !ct.IsCancellationRequested)
                {
                    logger.LogDebug("Stand-in read repair to {Replica} failed: {Reason}", spare!.Endpoint, e.Message);
                }
            }
        }
    }

    /// <summary>The replicas whose data read was answered with an error, and the reason (empty when they only timed out).</summary>
    private static Dictionary<string, string> FailuresOf(List<Task<ReplicaReadResponse>> fetches,
        IReadOnlyList<(string Endpoint, ReadResponseMessage Response)> answers)
    {
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < fetches.Count; i++)
        {
            if (fetches[i].Exception?.InnerException is { } e && ReplicaError(e) is { } reason) failures[answers[i].Endpoint] = reason;
        }
        return failures;
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

    private ReadResponseMessage ReadLocally(ReadCommandMessage command)
    {
        try
        {
            return local.Read(command);
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

    private async Task AskAsync(MembershipSnapshot membership, NodeInfo replica, ReadCommandMessage command, ReadRound round, CancellationToken ct)
    {
        long sent = time.GetTimestamp();
        try
        {
            ReadResponseMessage response;
            if (replica.Endpoint == membership.LocalEndpoint)
            {
                response = ReadLocally(command);
            }
            else
            {
                var reply = await messaging.SendRequestAsync(PeerAddress.Parse(replica.Endpoint), command.DigestOnly ? Verb.DigestRead : Verb.Read,
                    CoordinationMessageSerializer.Serialize(command), readTimeout, ct).ConfigureAwait(false);
                response = CoordinationMessageSerializer.Deserialize<ReadResponseMessage>(reply.Payload);
            }
            var took = time.GetElapsedTime(sent);
            lock (latency) latency.RecordReplicaLatency(replica.Endpoint, took, Now);
            ClientWarnings.AddAll(response.Warnings);
            round.Answer(replica.Endpoint, response);
        }
        catch (Exception e) when (ReplicaRefusal.From(e) is { } refusal)
        {
            // The replica stopped the read at the tombstone failure threshold: another replica holds the same
            // tombstones, so none is asked instead, and the read fails (ReadFailure) with the replica's reason.
            logger.LogDebug("Read from {Replica} refused: {Reason}", replica.Endpoint, refusal.Message);
            round.Refuse(replica.Endpoint, refusal);
        }
        catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException or OperationCanceledException or FormatException
                                       or LocalReadException)
        {
            // An error answer (corrupt SSTable, I/O error, failed disk, too many tombstones) is the replica telling us it
            // failed: a warning, and the reason goes into a ReadFailure; a timeout or lost connection is not.
            string? error = ReplicaError(e);
            if (error is not null) ReplicaFailureLog.Warn(logger, time, replica.Endpoint, error, "read");
            else logger.LogDebug("Read from {Replica} failed: {Reason}", replica.Endpoint, e.Message);
            // A failure counts as a very slow answer, so the next reads prefer other replicas.
            lock (latency) latency.RecordReplicaLatency(replica.Endpoint, readTimeout, Now);
            // A replica that failed fast (connection refused, not yet convicted by gossip) is replaced by the next
            // live candidate at once, before the failure is counted, so the round does not give up needlessly.
            if (!ct.IsCancellationRequested && round.TryTakeNextCandidate() is { } next)
                _ = AskAsync(membership, next, command with { DigestOnly = false }, round, ct);
            round.Fail(replica.Endpoint, error);
        }
    }

    private async Task<ReplicaReadResponse> FetchDataAsync(MembershipSnapshot membership, string endpoint, ReadCommandMessage command, CancellationToken ct)
    {
        if (endpoint == membership.LocalEndpoint)
        {
            var answer = ReadLocally(command);
            ClientWarnings.AddAll(answer.Warnings);
            return answer.ToReplicaResponse(endpoint);
        }
        var reply = await messaging.SendRequestAsync(PeerAddress.Parse(endpoint), Verb.Read, CoordinationMessageSerializer.Serialize(command), readTimeout, ct)
            .ConfigureAwait(false);
        var response = CoordinationMessageSerializer.Deserialize<ReadResponseMessage>(reply.Payload);
        ClientWarnings.AddAll(response.Warnings);
        return response.ToReplicaResponse(endpoint);
    }
}
