using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Node.Coordination;
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
/// </summary>
public sealed class RangeReadCoordinator(
    ReplicaLookup lookup,
    Func<MembershipSnapshot> membership,
    LocalReplica local,
    IMessagingService messaging,
    NodeMetrics metrics,
    TimeSpan readTimeout,
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
    public async IAsyncEnumerable<MergedPartitionData> ReadAsync(string keyspace, string table, RangePosition after, Token endInclusive,
        ConsistencyLevel consistency, int rowsPerRequest, [EnumeratorCancellation] CancellationToken ct)
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
                var (partitions, cut) = await ReadPieceAsync(snapshot, plan, RangeReadCommandMessage.For(table, from, pieceEnd, rowsPerRequest, replyBytes), ct)
                    .ConfigureAwait(false);
                foreach (var p in partitions) yield return p;
                if (cut is not null && RangeReplyCut.Compare(cut, from) <= 0)
                    throw new InvalidOperationException($"range read of {table} did not advance past {from}");
                from = cut;
            }
        }
    }

    /// <summary>(start, end] cut at every ring token strictly inside it: each piece lies within one vnode range.</summary>
    public static IEnumerable<(long Start, long End)> Pieces(RingSnapshot ring, long startExclusive, long endInclusive)
    {
        ArgumentNullException.ThrowIfNull(ring);
        long from = startExclusive;
        for (int i = 0; i < ring.VnodeCount; i++)
        {
            long t = ring.TokenAt(i).Value;
            if (t <= from) continue;
            if (t >= endInclusive) break;
            yield return (from, t);
            from = t;
        }
        yield return (from, endInclusive);
    }

    private async Task<(List<MergedPartitionData> Partitions, RangePosition? Cut)> ReadPieceAsync(MembershipSnapshot snapshot, ReadPlan plan,
        RangeReadCommandMessage command, CancellationToken ct)
    {
        var spare = new Queue<NodeInfo>(plan.Candidates.Where(c => !plan.Contacts.Contains(c)));
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var attempts = await Task.WhenAll(plan.Contacts.Select(c => AskWithFallbackAsync(snapshot, c, spare, command, errors, ct))).ConfigureAwait(false);
        if (attempts.Any(a => a is null))
        {
            // Every replica asked has answered (or given up at its timeout): the counts are what happened.
            metrics.ReadTimeout(plan.Consistency, MetricTags.RangeRead);
            int received = attempts.Count(a => a is not null);
            lock (errors)
            {
                if (errors.Count > 0)
                    throw new ReadFailureException(plan.Consistency, received, plan.BlockFor, received > 0, new Dictionary<string, string>(errors, StringComparer.Ordinal));
            }
            throw new ReadTimeoutException(plan.Consistency, received, plan.BlockFor, received > 0);
        }
        var answers = attempts.Select(a => a!.Value).ToArray();

        // A replica cut at its row or byte limit said nothing past its resume position: merge only up to the earliest one.
        var cut = RangeReplyCut.Earliest(answers.Select(a => a.Response.Resume));
        var decoded = answers.Select(a => RangeReplyCut.Trim(a.Response.Partitions.Select(b => MergedPartitionDataCodec.Deserialize(b)!).ToList(), cut)).ToList();
        var merged = decoded.SelectMany(d => d)
            .GroupBy(p => Convert.ToHexString(p.Key), StringComparer.Ordinal)
            .Select(g => Merge(g.ToList()))
            .OrderBy(p => p.Token)
            .ThenBy(p => p.Key, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
            .ToList();
        if (answers.Length > 1) await RepairAsync(snapshot, command.Table, merged, answers.Select(a => a.Endpoint).ToList(), decoded, ct).ConfigureAwait(false);
        return (merged, cut);
    }

    /// <summary>
    /// Writes to each replica what it lacks of the merged partitions and waits for the acks. Every replica's answer
    /// was trimmed to the earliest cut, so all cover the same span and a partition or row missing from an answer is
    /// missing on that replica.
    /// </summary>
    private async Task RepairAsync(MembershipSnapshot snapshot, string table, List<MergedPartitionData> merged, IReadOnlyList<string> endpoints,
        IReadOnlyList<List<MergedPartitionData>> answers, CancellationToken ct)
    {
        var byKey = answers.Select(a => a.ToDictionary(p => Convert.ToHexString(p.Key), StringComparer.Ordinal)).ToList();
        var repairs = new List<Task>();
        foreach (var partition in merged)
        {
            string key = Convert.ToHexString(partition.Key);
            bool repaired = false;
            for (int i = 0; i < endpoints.Count; i++)
            {
                var diff = RepairDiff.For(table, partition.Key, partition, partition.Rows, byKey[i].GetValueOrDefault(key), reversed: false);
                if (diff is null) continue;
                repairs.Add(_repairs.RepairAsync(snapshot, endpoints[i], diff, ct));
                repaired = true;
            }
            if (repaired) metrics.ReadRepair();
        }
        await Task.WhenAll(repairs).ConfigureAwait(false);
    }

    private static MergedPartitionData Merge(IReadOnlyList<MergedPartitionData> versions)
    {
        if (versions.Count == 1) return versions[0];
        var merged = PartitionMerger.Merge(versions.Select(v => new PartitionSnapshot(v.Key, v.Token, v.PartitionDeletion, v.RangeTombstones, v.Rows)).ToList(), reversed: false)!;
        return new MergedPartitionData(merged.Key, merged.Token, merged.PartitionDeletion, merged.RangeTombstones.Distinct().ToList(),
            merged.Rows.Where(r => !r.IsEmpty).ToList());
    }

    /// <summary>
    /// One contact's answer, or the next spare replica's when it fails; null when it and every spare left failed
    /// (the reasons of replicas that answered with an error are added to <paramref name="errors"/>).
    /// </summary>
    private async Task<(string Endpoint, RangeReadResponseMessage Response)?> AskWithFallbackAsync(MembershipSnapshot snapshot, NodeInfo first, Queue<NodeInfo> spare,
        RangeReadCommandMessage command, Dictionary<string, string> errors, CancellationToken ct)
    {
        var replica = first;
        while (true)
        {
            string? error;
            try
            {
                if (replica.Endpoint == snapshot.LocalEndpoint)
                {
                    metrics.ReplicaRead();
                    var answer = RangeReadVerbHandler.Answer(local.Engine, command, replyBytes, local.Tombstones, ct);
                    ClientWarnings.AddAll(answer.Warnings);
                    return (replica.Endpoint, answer);
                }
                var reply = await messaging.SendRequestAsync(PeerAddress.Parse(replica.Endpoint), Verb.RangeRead,
                    CoordinationMessageSerializer.Serialize(command), readTimeout, ct).ConfigureAwait(false);
                var response = CoordinationMessageSerializer.Deserialize<RangeReadResponseMessage>(reply.Payload);
                ClientWarnings.AddAll(response.Warnings);
                return (replica.Endpoint, response);
            }
            catch (RequestFailedException e) when (ReplicaRefusal.From(e) is { } refusal)
            {
                throw refusal; // the tombstone failure threshold: another replica would refuse the same way
            }
            catch (RequestFailedException e) when (e.Reason == RequestFailureReason.RemoteHandlerFailed)
            {
                error = e.Detail;
            }
            catch (Exception e) when (e is RequestTimeoutException or RequestFailedException or IOException or FormatException)
            {
                // No answer (timeout, lost connection), or an I/O error of the local replica's engine.
                error = replica.Endpoint == snapshot.LocalEndpoint ? $"{e.GetType().Name}: {e.Message}" : null;
                if (error is null) logger.LogDebug("Range read from {Replica} failed: {Reason}", replica.Endpoint, e.Message);
            }
            catch (Exception e) when (replica.Endpoint == snapshot.LocalEndpoint && e is not OperationCanceledException)
            {
                // The local replica's read failed (corrupt SSTable, unknown table ...): an error answer like a remote one's.
                error = $"{e.GetType().Name}: {e.Message}";
            }
            if (error is not null)
            {
                ReplicaFailureLog.Warn(logger, TimeProvider.System, replica.Endpoint, error, "range read");
                lock (errors) errors[replica.Endpoint] = error;
            }
            lock (spare)
            {
                if (spare.Count == 0) return null;
                replica = spare.Dequeue();
            }
        }
    }
}
