using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Coordination.Operations;

namespace RingStore.Simulation;

/// <summary>
/// Drives the node's own <see cref="ReadOperation"/> (the state machine <c>ReadCoordinator</c> drives) on the
/// simulated network and virtual clock: plan with the node's latency scores, then perform each effect (ask, fetch,
/// repair, timers) and feed each outcome back. The two read-repair bug switches live here, in the driver, because
/// they are about what the node does with the machine's repair effects.
/// </summary>
public static class SimReadDriver
{
    public static void Start(SimCluster cluster, SimNode node, SliceQuery query, ConsistencyLevel level, int key, Action<bool, IReadOnlyList<RingStore.Core.Data.Row>> done)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(query);
        var natural = cluster.Ring.GetNaturalReplicas(RingStore.Core.Partitioning.Murmur3Partitioner.GetToken(query.PartitionKey), cluster.Strategy);
        var started = node.Now;
        ReadPlan plan;
        try
        {
            plan = ReplicaPlanner.PlanRead(natural, node.IsAlive, level, cluster.Strategy, "dc1",
                e => node.Latency.ScoreFor(e, started));
        }
        catch (UnavailableException)
        {
            cluster.Stats.Unavailable++;
            done(false, []);
            return;
        }

        var speculateAfter = node.Latency.SpeculativeRetryThreshold(query.Table) ?? cluster.Options.DefaultSpeculativeThreshold;
        var operation = new ReadOperation(plan, query, cluster.NowSeconds, cluster.Options.RequestTimeout, speculateAfter);

        void Perform(IReadOnlyList<ReadEffect> effects)
        {
            foreach (var effect in effects)
            {
                switch (effect)
                {
                    case ReadEffect.Ask ask:
                        var sent = node.Now;
                        node.Request(ask.Replica.Endpoint, ReadCommandMessage.For(query, ask.DigestOnly), key, (from, payload) =>
                        {
                            if (payload is ReplicaFailed failed)
                            {
                                Perform(operation.OnFailure(from, failed.Error));
                                return;
                            }
                            node.Latency.RecordReplicaLatency(from, node.Now - sent, node.Now);
                            Perform(operation.OnResponse(ask.Replica, (ReadResponseMessage)payload));
                        });
                        break;
                    case ReadEffect.FetchData fetch:
                        node.Request(fetch.Replica.Endpoint, ReadCommandMessage.For(query, digestOnly: false), key, (from, payload) =>
                            Perform(payload is ReplicaFailed failed
                                ? operation.OnFetchFailed(from, failed.Error)
                                : operation.OnDataFetched(((ReadResponseMessage)payload).ToReplicaResponse(from))));
                        break;
                    case ReadEffect.SendRepair repair:
                        cluster.Stats.ReadRepairs++;
                        if (cluster.Options.DisableReadRepair)
                        {
                            Perform(operation.OnRepairAcked(repair.Endpoint)); // bug: answer as if repaired, write nothing
                        }
                        else if (repair.Endpoint == node.Endpoint)
                        {
                            Perform(node.TryApply(repair.Repair) ? operation.OnRepairAcked(repair.Endpoint) : operation.OnRepairFailed(repair.Endpoint));
                        }
                        else
                        {
                            node.Request(repair.Endpoint, new MutateRequest(MutationKind.ReadRepair, MutationMessage.For(repair.Repair)), key,
                                (from, reply) => Perform(reply is ReplicaFailed ? operation.OnRepairFailed(from) : operation.OnRepairAcked(from)));
                            if (cluster.Options.AnswerBeforeRepairAcks) Perform(operation.OnRepairAcked(repair.Endpoint)); // bug: do not wait
                        }
                        break;
                    case ReadEffect.ArmSpeculation arm:
                        node.Timer(arm.At - node.Now, () => Perform(operation.OnSpeculationDue()));
                        break;
                    case ReadEffect.ArmTimeout arm:
                        node.Timer(arm.At - node.Now, () => Perform(operation.OnTimeout()));
                        break;
                    case ReadEffect.SpeculatedRetry:
                        cluster.Stats.SpeculativeRetries++;
                        break;
                    case ReadEffect.DigestMismatch:
                        cluster.Stats.DigestMismatches++;
                        break;
                    case ReadEffect.Answer answer:
                        if (answer.Error is null) node.Latency.RecordTableRead(query.Table, node.Now - started);
                        else if (answer.Error is ReadTimeoutException) cluster.Stats.ReadTimeouts++;
                        done(answer.Error is null, answer.Rows);
                        break;
                }
            }
        }
        Perform(operation.Start(node.Now));
    }
}
