using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Coordination;
using RingStore.Coordination.Operations;

namespace RingStore.Simulation;

/// <summary>
/// Drives the node's own <see cref="WriteOperation"/> (the state machine <c>WriteCoordinator</c> drives) on the
/// simulated network and virtual clock: plan, then perform each effect (hint, local apply, send, timer) and feed
/// each outcome back as an event. A replica that has not answered by the request timeout is reported failed, as the
/// node's messaging layer does, so it gets its hint. Two planted bugs live here (never in the product): acking a
/// QUORUM write after one reply, and skipping the hint of a replica planned down.
/// </summary>
public static class SimWriteDriver
{
    public static void Start(SimCluster cluster, SimNode node, PartitionUpdate update, ConsistencyLevel level, int key, long timestamp, Action<bool> done)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(update);
        var token = RingStore.Core.Partitioning.Murmur3Partitioner.GetToken(update.PartitionKey);
        var natural = cluster.Ring.GetNaturalReplicas(token, cluster.Strategy);
        WritePlan plan;
        try
        {
            // Natural plus pending replicas (a node joining or gaining ranges from a leaving one), as WriteCoordinator plans.
            var pending = cluster.Options.IgnorePendingRanges ? [] : cluster.Pending.PendingFor(token); // planted bug
            plan = ReplicaPlanner.PlanWrite(natural, pending, node.IsAlive, level, cluster.Strategy, "dc1");
        }
        catch (UnavailableException)
        {
            cluster.Stats.Unavailable++;
            done(false);
            return;
        }
        if (cluster.Options.WriteBlockForOverride is int wrong && level == ConsistencyLevel.Quorum)
        {
            plan = plan with { BlockFor = wrong };
        }

        bool waitForLocal = level is ConsistencyLevel.One or ConsistencyLevel.LocalOne;
        var operation = new WriteOperation(plan, node.Endpoint, waitForLocal, cluster.Options.RequestTimeout);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var message = MutationMessage.For(update);

        void Perform(IReadOnlyList<WriteEffect> effects)
        {
            foreach (var effect in effects)
            {
                switch (effect)
                {
                    case WriteEffect.StoreHint hint:
                        bool stored;
                        if (cluster.Options.SkipHintForDownReplica && plan.Down.Contains(hint.Replica))
                            stored = false; // planted bug: the replica planned down never gets this write
                        else
                            stored = cluster.HintPolicy.ShouldHint(hint.Replica, node.DowntimeOf(hint.Replica.Endpoint))
                                     && node.TryAddHint(hint.Replica, update, key, timestamp);
                        if (stored) cluster.Stats.HintsStored++;
                        Perform(operation.OnHintResult(hint.Replica.Endpoint, stored));
                        break;
                    case WriteEffect.ApplyLocally:
                        answered.Add(node.Endpoint);
                        Perform(node.TryApply(update) ? operation.OnAck(node.Endpoint) : operation.OnFailure(node.Endpoint, "disk failure"));
                        break;
                    case WriteEffect.SendMutation send:
                        node.Request(send.Replica.Endpoint, new MutateRequest(MutationKind.Write, message, timestamp), key, (from, reply) =>
                        {
                            answered.Add(from);
                            Perform(reply is ReplicaFailed failed ? operation.OnFailure(from, failed.Error) : operation.OnAck(from));
                        });
                        break;
                    case WriteEffect.ArmTimeout:
                        node.Timer(cluster.Options.RequestTimeout, () =>
                        {
                            Perform(operation.OnTimeout());
                            foreach (var late in plan.Targets.Where(t => !answered.Contains(t.Endpoint)))
                                Perform(operation.OnFailure(late.Endpoint, null));
                        });
                        break;
                    case WriteEffect.Answer answer:
                        if (answer.Error is WriteTimeoutException) cluster.Stats.WriteTimeouts++;
                        done(answer.Error is null);
                        break;
                }
            }
        }
        Perform(operation.Start(node.Now));
    }
}
