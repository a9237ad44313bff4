using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Coordination.Operations;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Node.Verbs;
using RingStore.Storage.Engine;
using RingStore.Storage.Memtables;
using RingStore.Storage.Reads;

namespace RingStore.Node.Requests;

/// <summary>
/// Coordinates a token-range scan (a SELECT without a partition key): splits the interval at the ring's vnode
/// tokens so each piece has one replica set, asks as many live replicas of each piece as the consistency level
/// needs for their data (each reply bounded by rows and bytes, possibly ending inside a wide partition, and the next
/// request resuming after the earliest point every replica covered: <see cref="RangeReplyCut"/>), merges their answers
/// with the merge rule, and yields the partitions in (token, key) order — each exactly once, whichever replica held it,
/// except that a partition cut between replies comes as consecutive fragments with disjoint, ascending rows.
/// A replica that fails is replaced by another live one; when none is left, the piece fails once every replica
/// asked has answered: a ReadFailure carrying each replica's reason when one answered with an error (corrupt SSTable,
/// I/O error, failed disk, too many tombstones), else a ReadTimeout, with the number of replicas that did answer.
/// When more than one replica answered, each partition a replica holds an older or incomplete version of is
/// repaired there before the scan yields it (blocking read repair, as single-partition reads and Cassandra's range
/// reads do), so a QUORUM scan never returns data that a later QUORUM read could miss.
/// Differences from single-partition reads: no digests (every contacted replica sends data) and no speculative retry.
/// The rules of one piece request (ask, replace, trim, merge, repair, fail) are the pure <see cref="RangeReadOperation"/>
/// (src/Coordination); this class splits the scan into pieces and pages, and drives that machine with messaging.
/// </summary>
public sealed class RangeReadCoordinator(
    ReplicaLookup lookup,
    Func<MembershipSnapshot> membership,
    LocalReplica local,
    IMessagingService messaging,
    NodeMetrics metrics,
    TimeSpan readTimeout,
    TimeProvider time,
    ILogger logger,
    long replyBytes = RangeReadVerbHandler.DefaultReplyBytes)
{
    private readonly ReadRepairSender _repairs = new(local, messaging, readTimeout);

    /// <summary>Rows (a partition without rows counts as one) per replica request unless the caller asks for fewer.</summary>
    public const int RowsPerRequest = 1000;

    /// <summary>Live and tombstoned partitions with <paramref name="startExclusive"/> &lt; token &lt;= <paramref name="endInclusive"/>, in token order.</summary>
    public IAsyncEnumerable<MergedPartitionData> ReadAsync(string keyspace, string table, Token startExclusive, Token endInclusive,
        ConsistencyLevel consistency, CancellationToken ct) =>
        ReadAsync(keyspace, table, RangePosition.AfterToken(startExclusive), endInclusive, consistency, RowsPerRequest, ct);

    /// <summary>
    /// The same, starting after <paramref name="after"/> (a paging state's row), asking each replica for at most
    /// <paramref name="rowsPerRequest"/> rows per reply (a LIMIT 10 scan asks for 10, so a replica reads about 10 rows
    /// of a huge partition, not the partition).
    /// </summary>
    /// <remarks><paramref name="perPartition"/>: PER PARTITION LIMIT, sent to the replicas only when a piece's answer comes
    /// from one replica (<see cref="PushDown"/>); the caller still cuts every partition itself.</remarks>
    public async IAsyncEnumerable<MergedPartitionData> ReadAsync(string keyspace, string table, RangePosition after, Token endInclusive,
        ConsistencyLevel consistency, int rowsPerRequest, [EnumeratorCancellation] CancellationToken ct, PartitionRowLimit? perPartition = null)
    {
        ArgumentNullException.ThrowIfNull(after);
        rowsPerRequest = Math.Clamp(rowsPerRequest, 1, RowsPerRequest);
        // A position inside or at a partition belongs to the piece holding that partition's token.
        long startExclusive = after.Key is null || after.Token.Value == long.MinValue ? after.Token.Value : after.Token.Value - 1;
        if (startExclusive >= endInclusive.Value) yield break;
        var strategy = lookup.Strategy(keyspace);
        var snapshot = membership();
        var ring = snapshot.For(strategy).Ring;
        if (ring.IsEmpty) throw new UnavailableException(consistency, 1, 0);

        bool first = true;
        foreach (var (pieceStart, pieceEnd) in Pieces(ring, startExclusive, endInclusive.Value))
        {
            ReadPlan plan;
            try
            {
                plan = ReplicaPlanner.PlanRead(ring.GetNaturalReplicas(new Token(pieceEnd), strategy), snapshot.IsAlive, consistency, strategy,
                    snapshot.LocalDatacenter, endpoint => endpoint == snapshot.LocalEndpoint ? -1 : 0); // local first: no network hop
            }
            catch (UnavailableException)
            {
                metrics.Unavailable(MetricTags.RangeRead, consistency);
                throw;
            }
            RangePosition? from = first && after.Key is not null ? after : RangePosition.AfterToken(new Token(pieceStart));
            first = false;
            while (from is not null)
            {
                var (partitions, cut) = await ReadPieceAsync(snapshot, plan, PushDown(RangeReadCommandMessage.For(table, from, pieceEnd, rowsPerRequest, replyBytes), plan, perPartition), ct)
                    .ConfigureAwait(false);
                foreach (var p in partitions) yield return p;
                if (cut is not null && RangeReplyCut.Compare(cut, from) <= 0)
                    throw new InvalidOperationException($"range read of {table} did not advance past {from}");
                from = cut;
            }
        }
    }

    /// <summary>
    /// The pieces (one replica set each) of a scan that starts after <paramref name="after"/>, for a scatter-gather
    /// scan: the first one starts at the position's partition (it is read from the position itself).
    /// </summary>
    public IReadOnlyList<(long Start, long End)> PiecesAfter(string keyspace, RangePosition after, long endInclusive)
    {
        ArgumentNullException.ThrowIfNull(after);
        long startExclusive = after.Key is null || after.Token.Value == long.MinValue ? after.Token.Value : after.Token.Value - 1;
        if (startExclusive >= endInclusive) return [];
        var ring = membership().For(lookup.Strategy(keyspace)).Ring;
        return ring.IsEmpty ? [(startExclusive, endInclusive)] : Pieces(ring, startExclusive, endInclusive).ToList();
    }

    /// <summary>
    /// The live natural replicas of the piece ending at <paramref name="pieceEnd"/>, in ring order (the aggregate
    /// fan-out picks its sub-coordinator among them). Throws Unavailable when none is alive.
    /// </summary>
    public IReadOnlyList<NodeInfo> LiveReplicas(string keyspace, long pieceEnd, ConsistencyLevel consistency)
    {
        var strategy = lookup.Strategy(keyspace);
        var snapshot = membership();
        var ring = snapshot.For(strategy).Ring;
        if (ring.IsEmpty) throw new UnavailableException(consistency, 1, 0);
        var live = ring.GetNaturalReplicas(new Token(pieceEnd), strategy).Where(r => snapshot.IsAlive(r.Endpoint)).ToList();
        if (live.Count == 0) throw new UnavailableException(consistency, 1, 0);
        return live;
    }

    /// <summary>This node's internode endpoint.</summary>
    public string LocalEndpoint => membership().LocalEndpoint;

    /// <summary>
    /// One piece of a scatter-gather scan, (from, pieceEnd] within one vnode range, page after page, at
    /// <paramref name="consistency"/>. Attempt 0 prefers the local replica (no network hop); attempt 1 (a hedge or a
    /// retry) prefers replicas attempt 0 did not ask, then the local one, so a slow replica is left out when the level
    /// allows it.
    /// </summary>
    public async IAsyncEnumerable<MergedPartitionData> ReadPieceAsync(string keyspace, string table, RangePosition from, long pieceEnd,
        ConsistencyLevel consistency, int rowsPerRequest, int attempt, [EnumeratorCancellation] CancellationToken ct, PartitionRowLimit? perPartition = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        rowsPerRequest = Math.Clamp(rowsPerRequest, 1, RowsPerRequest);
        var strategy = lookup.Strategy(keyspace);
        var snapshot = membership();
        var ring = snapshot.For(strategy).Ring;
        if (ring.IsEmpty) throw new UnavailableException(consistency, 1, 0);
        var natural = ring.GetNaturalReplicas(new Token(pieceEnd), strategy);
        ReadPlan plan;
        try
        {
            Func<string, double> localFirst = endpoint => endpoint == snapshot.LocalEndpoint ? -1 : 0;
            plan = ReplicaPlanner.PlanRead(natural, snapshot.IsAlive, consistency, strategy, snapshot.LocalDatacenter, localFirst);
            if (attempt > 0)
            {
                var first = plan.Contacts.Select(c => c.Endpoint).ToHashSet(StringComparer.Ordinal);
                plan = ReplicaPlanner.PlanRead(natural, snapshot.IsAlive, consistency, strategy, snapshot.LocalDatacenter,
                    endpoint => !first.Contains(endpoint) ? 0 : endpoint == snapshot.LocalEndpoint ? 1 : 2);
            }
        }
        catch (UnavailableException)
        {
            metrics.Unavailable(MetricTags.RangeRead, consistency);
            throw;
        }
        RangePosition? next = from;
        while (next is not null)
        {
            var (partitions, cut) = await ReadPieceAsync(snapshot, plan, PushDown(RangeReadCommandMessage.For(table, next, pieceEnd, rowsPerRequest, replyBytes), plan, perPartition), ct)
                .ConfigureAwait(false);
            foreach (var p in partitions) yield return p;
            if (cut is not null && RangeReplyCut.Compare(cut, next) <= 0)
                throw new InvalidOperationException($"range read of {table} did not advance past {next}");
            next = cut;
        }
    }

    /// <summary>
    /// PER PARTITION LIMIT goes to the replicas only when the piece's answer is one replica's (a level that blocks for one):
    /// merged answers could be left short by another replica's tombstones (see <see cref="PartitionRowLimit"/>), and
    /// RingStore has no short-read protection, so above ONE replicas send whole partitions and the caller cuts them.
    /// </summary>
    internal static RangeReadCommandMessage PushDown(RangeReadCommandMessage command, ReadPlan plan, PartitionRowLimit? perPartition) =>
        perPartition is null || plan.BlockFor != 1 ? command : command with { PerPartitionRows = perPartition.Rows, NowSeconds = perPartition.NowSeconds };

    /// <summary>The scan's pieces, one per vnode range (<see cref="VnodePieces"/>).</summary>
    public static IEnumerable<(long Start, long End)> Pieces(RingSnapshot ring, long startExclusive, long endInclusive) =>
        VnodePieces.Of(ring, startExclusive, endInclusive);

    /// <summary>
    /// Drives one <see cref="RangeReadOperation"/>: asks replicas (the local one straight through the engine), sends
    /// its repairs, reports every outcome back under a lock, and returns its answer.
    /// </summary>
    private async Task<(IReadOnlyList<MergedPartitionData> Partitions, RangePosition? Cut)> ReadPieceAsync(MembershipSnapshot snapshot, ReadPlan plan,
        RangeReadCommandMessage command, CancellationToken ct)
    {
        var op = new RangeReadOperation(plan, command.Table);
        var answered = new TaskCompletionSource<RangeReadEffect.Answer>(TaskCreationOptions.RunContinuationsAsynchronously);

        void Report(Func<IReadOnlyList<RangeReadEffect>> handle)
        {
            IReadOnlyList<RangeReadEffect> effects;
            try
            {
                lock (op) effects = handle();
            }
            catch (Exception e)
            {
                answered.TrySetException(e); // a fault of the machine must not leave the scan waiting
                return;
            }
            foreach (var effect in effects)
            {
                switch (effect)
                {
                    case RangeReadEffect.Ask ask:
                        _ = AskAsync(ask.Replica);
                        break;
                    case RangeReadEffect.SendRepair repair:
                        _ = RepairAsync(repair);
                        break;
                    case RangeReadEffect.PartitionRepaired:
                        metrics.ReadRepair();
                        break;
                    case RangeReadEffect.Answer answer:
                        answered.TrySetResult(answer);
                        break;
                }
            }
        }

        async Task AskAsync(NodeInfo replica)
        {
            RangeReadResponseMessage response;
            try
            {
                response = await AskReplicaAsync(snapshot, replica, command, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (ReplicaRefusal.From(e) is { } refusal)
            {
                Report(() => op.OnRefused(replica.Endpoint, refusal)); // the tombstone failure threshold: another replica would refuse the same way
                return;
            }
            catch (RequestFailedException e) when (e.Reason == RequestFailureReason.RemoteHandlerFailed)
            {
                Failed(replica, e.Detail);
                return;
            }
            catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException or FormatException)
            {
                // No answer (timeout, lost connection), or an I/O error of the local replica's engine.
                if (replica.Endpoint == snapshot.LocalEndpoint)
                {
                    Failed(replica, $"{e.GetType().Name}: {e.Message}");
                    return;
                }
                logger.LogDebug("Range read from {Replica} failed: {Reason}", replica.Endpoint, e.Message);
                Report(() => op.OnFailure(replica.Endpoint, null));
                return;
            }
            catch (Exception e) when (replica.Endpoint == snapshot.LocalEndpoint && e is not OperationCanceledException)
            {
                // The local replica's read failed (corrupt SSTable, unknown table ...): an error answer like a remote one's.
                Failed(replica, $"{e.GetType().Name}: {e.Message}");
                return;
            }
            catch (Exception e)
            {
                answered.TrySetException(e); // cancelled: the scan ends with it
                return;
            }
            List<MergedPartitionData> partitions;
            try
            {
                partitions = response.Partitions.Select(b => MergedPartitionDataCodec.Deserialize(b)!).ToList();
            }
            catch (Exception e)
            {
                answered.TrySetException(e); // a malformed answer fails the scan (as before the state machine)
                return;
            }
            Report(() => op.OnResponse(replica.Endpoint, partitions, response.Resume));
        }

        void Failed(NodeInfo replica, string error)
        {
            ReplicaFailureLog.Warn(logger, time, replica.Endpoint, error, "range read");
            Report(() => op.OnFailure(replica.Endpoint, error));
        }

        async Task RepairAsync(RangeReadEffect.SendRepair repair)
        {
            try
            {
                await _repairs.RepairAsync(snapshot, repair.Endpoint, repair.Repair, ct).ConfigureAwait(false);
                Report(() => op.OnRepairAcked(repair.Id));
            }
            catch (OperationCanceledException e)
            {
                answered.TrySetException(e);
            }
            catch (Exception e)
            {
                Report(() => op.OnRepairFailed(repair.Id, e));
            }
        }

        Report(op.Start);
        var result = await answered.Task.WaitAsync(ct).ConfigureAwait(false);
        if (result.Error is ReadTimeoutException or ReadFailureException) metrics.ReadTimeout(plan.Consistency, MetricTags.RangeRead);
        if (result.Error is not null) throw result.Error;
        return (result.Partitions, result.Cut);
    }

    /// <summary>One replica's answer: the local replica straight through the engine, a remote one by a RangeRead request.</summary>
    private async Task<RangeReadResponseMessage> AskReplicaAsync(MembershipSnapshot snapshot, NodeInfo replica, RangeReadCommandMessage command,
        CancellationToken ct)
    {
        if (replica.Endpoint == snapshot.LocalEndpoint)
        {
            metrics.ReplicaRead();
            var answer = RangeReadVerbHandler.Answer(local.Engine, command, replyBytes, local.Tombstones, ct);
            ClientWarnings.AddAll(answer.Warnings);
            return answer;
        }
        var reply = await messaging.SendRequestAsync(PeerAddress.Parse(replica.Endpoint), Verb.RangeRead,
            CoordinationMessageSerializer.Serialize(command), readTimeout, ct).ConfigureAwait(false);
        var response = CoordinationMessageSerializer.Deserialize<RangeReadResponseMessage>(reply.Payload);
        ClientWarnings.AddAll(response.Warnings);
        return response;
    }
}
