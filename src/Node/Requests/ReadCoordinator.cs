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
/// quorum, so later QUORUM reads cannot go backwards), then answer.
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
            plan = ReplicaPlanner.PlanRead(replicas.Natural, replicas.Membership.IsAlive, consistency, replicas.Strategy,
                replicas.Membership.LocalDatacenter, Score, replicas.Membership.LocalEndpoint);
        }
        catch (UnavailableException)
        {
            metrics.Unavailable();
            throw;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(readTimeout);
        try
        {
            var result = await ExecuteAsync(replicas.Membership, plan, query, deadline.Token).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RecordRead(elapsed);
            lock (latency) latency.RecordTableRead(query.Table, elapsed);
            return result;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            metrics.ReadTimeout();
            throw new ReadTimeoutException(consistency, 0, plan.BlockFor, false);
        }
        catch (ReadTimeoutException)
        {
            metrics.ReadTimeout();
            throw;
        }
        catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException)
        {
            // A replica failed during the data or repair phase: the answer could not be made safe in time.
            metrics.ReadTimeout();
            throw new ReadTimeoutException(consistency, plan.BlockFor - 1, plan.BlockFor, true);
        }
    }

    private async Task<ReadResult> ExecuteAsync(MembershipSnapshot membership, ReadPlan plan, SliceQuery query, CancellationToken ct)
    {
        var round = new ReadRound(plan);
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
        var full = await Task.WhenAll(answers.Select(a => a.Response.IsDigest
            ? FetchDataAsync(membership, a.Endpoint, dataCommand, ct)
            : Task.FromResult(a.Response.ToReplicaResponse(a.Endpoint)))).ConfigureAwait(false);
        var resolution = ReadResolver.Resolve(query, full, nowSeconds);
        await Task.WhenAll(resolution.Repairs.Select(r => _repairs.RepairAsync(membership, r.Key, r.Value, ct))).ConfigureAwait(false);
        return new ReadResult(resolution.VisibleRows, resolution.ResumeAfter);
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
                response = local.Read(command);
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
            // tombstones, so none is asked instead, and the read fails with the replica's reason.
            logger.LogDebug("Read from {Replica} refused: {Reason}", replica.Endpoint, refusal.Message);
            round.Refuse(replica.Endpoint, refusal);
        }
        catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException or OperationCanceledException or FormatException)
        {
            logger.LogDebug("Read from {Replica} failed: {Reason}", replica.Endpoint, e.Message);
            // A failure counts as a very slow answer, so the next reads prefer other replicas.
            lock (latency) latency.RecordReplicaLatency(replica.Endpoint, readTimeout, Now);
            // A replica that failed fast (connection refused, not yet convicted by gossip) is replaced by the next
            // live candidate at once, before the failure is counted, so the round does not give up needlessly.
            if (!ct.IsCancellationRequested && round.TryTakeNextCandidate() is { } next)
                _ = AskAsync(membership, next, command with { DigestOnly = false }, round, ct);
            round.Fail(replica.Endpoint);
        }
    }

    private async Task<ReplicaReadResponse> FetchDataAsync(MembershipSnapshot membership, string endpoint, ReadCommandMessage command, CancellationToken ct)
    {
        if (endpoint == membership.LocalEndpoint)
        {
            var answer = local.Read(command);
            ClientWarnings.AddAll(answer.Warnings);
            return answer.ToReplicaResponse(endpoint);
        }
        Response reply;
        try
        {
            reply = await messaging.SendRequestAsync(PeerAddress.Parse(endpoint), Verb.Read, CoordinationMessageSerializer.Serialize(command), readTimeout, ct)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (ReplicaRefusal.From(e) is { } refusal)
        {
            throw refusal;
        }
        var response = CoordinationMessageSerializer.Deserialize<ReadResponseMessage>(reply.Payload);
        ClientWarnings.AddAll(response.Warnings);
        return response.ToReplicaResponse(endpoint);
    }
}
