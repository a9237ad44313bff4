using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Node.Coordination;

namespace RingStore.Node.Tests.Simulation;

/// <summary>
/// A coordinator write, as the node's coordinator service runs it: plan (Unavailable sends nothing), hint the
/// replicas seen down, send to the live ones (the local one applies directly), answer once the tracker is
/// satisfied, and at the timeout hint every target that has not acked.
/// </summary>
internal static class SimWrite
{
    public static void Start(SimCluster cluster, SimNode node, PartitionUpdate update, Action<bool> done)
    {
        var natural = cluster.Ring.GetNaturalReplicas(RingStore.Core.Partitioning.Murmur3Partitioner.GetToken(update.PartitionKey), cluster.Strategy);
        WritePlan plan;
        try
        {
            plan = ReplicaPlanner.PlanWrite(natural, [], node.IsAlive, ConsistencyLevel.Quorum, cluster.Strategy, "dc1");
        }
        catch (UnavailableException)
        {
            cluster.Stats.Unavailable++;
            done(false);
            return;
        }
        if (cluster.Options.WriteBlockForOverride is int wrong)
        {
            plan = plan with { BlockFor = wrong };
        }

        var tracker = new WriteResponseTracker(plan);
        bool answered = false;
        void Check()
        {
            if (answered)
            {
                return;
            }
            if (tracker.IsSatisfied || tracker.IsFailed)
            {
                answered = true;
                done(tracker.IsSatisfied);
            }
        }

        foreach (var down in plan.Down)
        {
            if (cluster.HintPolicy.ShouldHint(down, node.DowntimeOf(down.Endpoint)))
            {
                node.AddHint(down, update);
                tracker.RecordHint(down.Endpoint);
            }
        }
        var message = MutationMessage.For(update);
        foreach (var target in plan.Targets)
        {
            if (target.Endpoint == node.Endpoint)
            {
                node.Store.Apply(update);
                tracker.RecordAck(node.Endpoint);
                continue;
            }
            node.Request(target.Endpoint, new MutateRequest(MutationKind.Write, message), (from, _) =>
            {
                tracker.RecordAck(from);
                Check();
            });
        }
        Check();

        node.Timer(cluster.Options.RequestTimeout, () =>
        {
            foreach (var late in tracker.Outstanding.ToList())
            {
                if (cluster.HintPolicy.ShouldHint(late, node.DowntimeOf(late.Endpoint)))
                {
                    node.AddHint(late, update);
                    tracker.RecordHint(late.Endpoint);
                }
            }
            if (!answered)
            {
                answered = true;
                cluster.Stats.WriteTimeouts++;
                done(false);
            }
        });
    }
}
