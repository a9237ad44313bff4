using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Coordination;
using RingStore.Coordination.Scatter;
using RingStore.Node.Cql.Aggregates;
using RingStore.Node.Messaging;
using RingStore.Node.Verbs;

namespace RingStore.Node.Requests;

/// <summary>
/// The coordinator of a pushed-down aggregate: cuts (start, end] into vnode pieces, sends each to one live replica
/// as its sub-coordinator (<see cref="RangeAggregateVerbHandler"/>; the pieces rotate over their replicas so every
/// node and core works, the local node answers its share without a network hop), fans out through the
/// <see cref="ScatterGatherDriver"/> (bounded concurrency, per-range budget, a hedge on the next replica), and returns
/// each range's partial states in token order plus the ranges missing (partial results only).
/// </summary>
public sealed class RangeAggregator(RangeReadCoordinator rangeReads, ScatterGatherDriver scatter, IMessagingService messaging,
    Func<RangeAggregateVerbHandler> localHandler)
{
    public async Task<ScatterOutcome<RangeAggregateResponseMessage>> AggregateAsync(string keyspace, string table, AggregatePlan plan,
        long startExclusive, long endInclusive, ConsistencyLevel consistency, bool allowPartial, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var ranges = ScatterRange.InOrder(rangeReads.PiecesAfter(keyspace, Core.Reads.RangePosition.AfterToken(new Core.Partitioning.Token(startExclusive)), endInclusive));
        if (ranges.Count == 0) return new ScatterOutcome<RangeAggregateResponseMessage>([], [], false);
        var functions = plan.Items.Select(i => i.WireName).ToArray();
        var columns = plan.Items.Select(i => i.Column?.Name).ToArray();
        string local = rangeReads.LocalEndpoint;
        var budget = scatter.Settings.RangeBudget;

        async Task<RangeAttemptResult<RangeAggregateResponseMessage>> Read(ScatterRange range, int attempt, CancellationToken token)
        {
            var replicas = rangeReads.LiveReplicas(keyspace, range.EndInclusive, consistency);
            var sub = replicas[(range.Index + attempt) % replicas.Count];
            var command = new RangeAggregateCommandMessage(CoordinationMessageSerializer.CurrentVersion, keyspace, table,
                range.StartExclusive, range.EndInclusive, (byte)consistency, functions, columns, plan.GroupByPartition);
            RangeAggregateResponseMessage response;
            if (sub.Endpoint == local)
            {
                response = await localHandler().AnswerAsync(command, token).ConfigureAwait(false);
            }
            else
            {
                var reply = await messaging.SendRequestAsync(PeerAddress.Parse(sub.Endpoint), Verb.RangeAggregate,
                    CoordinationMessageSerializer.Serialize(command), budget, token).ConfigureAwait(false);
                response = CoordinationMessageSerializer.Deserialize<RangeAggregateResponseMessage>(reply.Payload);
            }
            ClientWarnings.AddAll(response.Warnings);
            return new(response, 0, false);
        }

        return await scatter.RunAsync(ranges, null, allowPartial, Read, Retryable,
            (range, error) => Failure(consistency, error), ct).ConfigureAwait(false);
    }

    /// <summary>Unavailable and refusals fail the same way elsewhere; a timeout, a lost connection or a remote error may not.</summary>
    private static bool Retryable(Exception e) =>
        e is not (UnavailableException or InvalidRequestException) && !(e is RequestFailedException f && ReplicaRefusal.From(f) is not null);

    private static Exception Failure(ConsistencyLevel consistency, Exception? error) => error switch
    {
        null or RequestTimeoutException => new ReadTimeoutException(consistency, 0, 1, false),
        RequestFailedException f when ReplicaRefusal.From(f) is { } refusal => refusal,
        RequestFailedException f => new ReadFailureException(consistency, 0, 1, false, new Dictionary<string, string> { ["sub-coordinator"] = f.Detail ?? f.Message }),
        _ => error,
    };
}
