using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Coordination.Operations;
using RingStore.Gossip.Ring;

namespace RingStore.Simulation;

/// <summary>
/// Drives the node's own <see cref="RangeReadOperation"/> (the machine <c>RangeReadCoordinator</c> drives) on the
/// simulated network: a scan of (start, end] is split at the ring's vnode tokens into pieces with one replica set
/// each, every piece is read in pages (each replica reply bounded by rows, the next page resuming after the cut the
/// machine answers with), one <see cref="RangeReadOperation"/> per page, pieces and pages one after another as the
/// node does. The driver owns the per-replica timeout (the machine leaves it to messaging) and performs the asks and
/// repairs; the range-read bug switches live here.
/// </summary>
public static class SimRangeReadDriver
{
    /// <summary>
    /// One answered page: it covered the partitions after <paramref name="After"/> up to and including
    /// <paramref name="UpTo"/>, returned <paramref name="Partitions"/> (merged, tombstones included), and
    /// <paramref name="Answered"/> are the replicas whose replies were merged (and repaired).
    /// </summary>
    public sealed record Page(TimeSpan Start, RangePosition After, RangePosition UpTo, IReadOnlyList<MergedPartitionData> Partitions, IReadOnlyList<string> Answered);

    /// <param name="abandoned">True once the client gave up: no further page is asked for.</param>
    /// <param name="onPage">Each answered page, in scan order.</param>
    /// <param name="done">Once: true when every page was answered, false on the first failed piece.</param>
    public static void Start(SimCluster cluster, SimNode node, long startExclusive, long endInclusive, ConsistencyLevel level, int logKey,
        Func<bool> abandoned, Action<Page> onPage, Action<bool> done)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(node);
        var pieces = Pieces(cluster.Ring, startExclusive, endInclusive).ToList();
        int next = 0;

        void NextPiece()
        {
            if (next == pieces.Count)
            {
                done(true);
                return;
            }
            var (start, end) = pieces[next++];
            ReadPage(end, RangePosition.AfterToken(new Token(start)));
        }

        void ReadPage(long pieceEnd, RangePosition from)
        {
            if (abandoned()) return;
            var natural = cluster.Ring.GetNaturalReplicas(new Token(pieceEnd), cluster.Strategy);
            ReadPlan plan;
            try
            {
                // As the node's range coordinator: the local replica first (no network hop), the rest in ring order.
                var planned = cluster.Options.ScanReadsOneReplica ? ConsistencyLevel.One : level; // planted bug
                plan = ReplicaPlanner.PlanRead(natural, node.IsAlive, planned, cluster.Strategy, "dc1", e => e == node.Endpoint ? -1 : 0);
            }
            catch (UnavailableException)
            {
                cluster.Stats.Unavailable++;
                done(false);
                return;
            }
            var operation = new RangeReadOperation(plan, SimCluster.Table);
            var request = new SimRangeRequest(SimCluster.Table, from, pieceEnd, cluster.Options.RangeRowsPerRequest);
            var started = node.Now;
            var answered = new List<string>();

            void Perform(IReadOnlyList<RangeReadEffect> effects)
            {
                foreach (var effect in effects)
                {
                    switch (effect)
                    {
                        case RangeReadEffect.Ask ask:
                            Ask(ask.Replica);
                            break;
                        case RangeReadEffect.SendRepair repair:
                            Repair(repair);
                            break;
                        case RangeReadEffect.PartitionRepaired:
                            break;
                        case RangeReadEffect.Answer answer:
                            if (answer.Error is not null)
                            {
                                if (answer.Error is ReadTimeoutException) cluster.Stats.ReadTimeouts++;
                                done(false);
                                return;
                            }
                            cluster.Stats.ScanPages++;
                            onPage(new Page(started, from, answer.Cut ?? RangePosition.AfterToken(new Token(pieceEnd)), answer.Partitions, answered));
                            if (answer.Cut is null)
                            {
                                NextPiece();
                            }
                            else
                            {
                                if (RangeReplyCut.Compare(answer.Cut, from) <= 0)
                                    throw new InvalidOperationException($"range read did not advance past {from}");
                                ReadPage(pieceEnd, answer.Cut);
                            }
                            break;
                    }
                }
            }

            void Ask(NodeInfo replica)
            {
                bool settled = false;
                node.Request(replica.Endpoint, request, logKey, (from, payload) =>
                {
                    if (settled) return;
                    settled = true;
                    if (payload is ReplicaFailed failed)
                    {
                        Perform(operation.OnFailure(from, failed.Error));
                        return;
                    }
                    var response = (SimRangeResponse)payload;
                    answered.Add(from);
                    Perform(operation.OnResponse(from, response.Partitions, response.Resume));
                });
                // The node's messaging times a request out; the machine then asks a spare in its place.
                node.Timer(cluster.Options.RequestTimeout, () =>
                {
                    if (settled) return;
                    settled = true;
                    Perform(operation.OnFailure(replica.Endpoint, null));
                });
            }

            void Repair(RangeReadEffect.SendRepair repair)
            {
                cluster.Stats.ScanRepairs++;
                if (cluster.Options.SkipRangeReadRepair)
                {
                    Perform(operation.OnRepairAcked(repair.Id)); // bug: answer as if repaired, write nothing
                    return;
                }
                bool settled = false;
                node.Request(repair.Endpoint, new MutateRequest(MutationKind.ReadRepair, MutationMessage.For(repair.Repair)), logKey, (_, reply) =>
                {
                    if (settled) return;
                    settled = true;
                    Perform(reply is ReplicaFailed failed
                        ? operation.OnRepairFailed(repair.Id, new IOException(failed.Error))
                        : operation.OnRepairAcked(repair.Id));
                });
                node.Timer(cluster.Options.RequestTimeout, () =>
                {
                    if (settled) return;
                    settled = true;
                    Perform(operation.OnRepairFailed(repair.Id, new TimeoutException($"read repair to {repair.Endpoint} timed out")));
                });
                if (cluster.Options.AnswerRangeBeforeRepairAcks)
                {
                    settled = true;
                    Perform(operation.OnRepairAcked(repair.Id)); // bug: do not wait for the ack
                }
            }

            Perform(operation.Start());
        }

        NextPiece();
    }

    /// <summary>The scan's pieces, one per vnode range (<see cref="VnodePieces"/>).</summary>
    public static IEnumerable<(long Start, long End)> Pieces(RingSnapshot ring, long startExclusive, long endInclusive) =>
        VnodePieces.Of(ring, startExclusive, endInclusive);

    /// <summary>Whether a partition lies in a page's span: after <paramref name="after"/>, at or before <paramref name="upTo"/>.</summary>
    public static bool Covers(RangePosition after, RangePosition upTo, Token token, byte[] key) =>
        after.ComparePartition(token, key) > 0 && upTo.ComparePartition(token, key) <= 0;
}
