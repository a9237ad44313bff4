using CsCheck;
using RingStore.Core.Consistency;
using RingStore.Gossip.Ring;
using RingStore.Coordination;
using static RingStore.Node.Tests.Coordination.Topologies;

namespace RingStore.Node.Tests.Coordination;

public class WriteResponseTrackerTests
{
    [Fact]
    public void Quorum_is_met_by_two_acks_and_lost_after_two_failures()
    {
        var plan = ReplicaPlanner.PlanWrite(SimpleReplicas, [], _ => true, ConsistencyLevel.Quorum, Simple3, "dc1");
        var ok = new WriteResponseTracker(plan);
        Assert.True(ok.RecordAck("n1"));
        Assert.False(ok.RecordAck("n1"));                  // duplicate delivery counts once
        Assert.False(ok.IsSatisfied);
        ok.RecordAck("n3");
        Assert.True(ok.IsSatisfied);
        Assert.Equal(2, ok.Received);
        Assert.Equal(["n2"], ok.Outstanding.Select(n => n.Endpoint));

        var bad = new WriteResponseTracker(plan);
        bad.RecordAck("n1");
        bad.RecordFailure("n2");
        Assert.False(bad.IsFailed);
        bad.RecordFailure("n3");
        Assert.True(bad.IsFailed);
        var e = bad.ToTimeoutException();
        Assert.Equal(1, e.Received);
        Assert.Equal(2, e.BlockFor);
    }

    [Fact]
    public void Replicas_answering_with_errors_make_a_WriteFailure_with_the_acks_and_each_error_and_silence_stays_a_timeout()
    {
        var plan = ReplicaPlanner.PlanWrite(SimpleReplicas, [], _ => true, ConsistencyLevel.All, Simple3, "dc1");
        var tracker = new WriteResponseTracker(plan);
        tracker.RecordFailure("n2", "IOException: No space left on device");
        Assert.True(tracker.IsFailed);
        tracker.RecordAck("n1");
        tracker.RecordAck("n3");
        var failure = Assert.IsType<RingStore.Core.Errors.WriteFailureException>(tracker.ToFailure());
        Assert.Equal(2, failure.Received);
        Assert.Equal(3, failure.BlockFor);
        Assert.Equal("IOException: No space left on device", failure.Failures["n2"]);
        Assert.Contains("2 of 3", failure.Message, StringComparison.Ordinal);

        var silent = new WriteResponseTracker(plan);
        silent.RecordFailure("n2"); // a timeout or a lost connection: not an error answer
        Assert.IsType<RingStore.Core.Errors.WriteTimeoutException>(silent.ToFailure());
    }

    [Fact]
    public void Hints_count_for_any_only()
    {
        var anyPlan = ReplicaPlanner.PlanWrite(SimpleReplicas, [], _ => false, ConsistencyLevel.Any, Simple3, "dc1");
        var any = new WriteResponseTracker(anyPlan);
        Assert.True(any.IsFailed);                          // nothing sent and nothing hinted: no way to succeed
        any.RecordHint("n2");
        Assert.True(any.IsSatisfied);

        var onePlan = ReplicaPlanner.PlanWrite(SimpleReplicas, [], e => e == "n1", ConsistencyLevel.One, Simple3, "dc1");
        var one = new WriteResponseTracker(onePlan);
        one.RecordHint("n2");
        one.RecordHint("n3");
        Assert.False(one.IsSatisfied);
        one.RecordAck("n1");
        Assert.True(one.IsSatisfied);
    }

    [Fact]
    public void Local_quorum_ignores_remote_acks_and_each_quorum_needs_every_datacenter()
    {
        var local = new WriteResponseTracker(ReplicaPlanner.PlanWrite(NtsReplicas, [], _ => true, ConsistencyLevel.LocalQuorum, Nts32, "dc1"));
        local.RecordAck("b1");
        local.RecordAck("b2");
        local.RecordAck("a1");
        Assert.False(local.IsSatisfied);
        Assert.Equal(1, local.Received);
        local.RecordAck("a3");
        Assert.True(local.IsSatisfied);

        var each = new WriteResponseTracker(ReplicaPlanner.PlanWrite(NtsReplicas, [], _ => true, ConsistencyLevel.EachQuorum, Nts32, "dc1"));
        each.RecordAck("a1");
        each.RecordAck("a2");
        each.RecordAck("a3");
        each.RecordAck("b1");
        Assert.False(each.IsSatisfied);
        each.RecordFailure("b2");
        Assert.True(each.IsFailed);
        Assert.Equal(4, each.ToTimeoutException().Received);
    }

    [Fact]
    public void Unknown_endpoints_are_ignored()
    {
        var t = new WriteResponseTracker(ReplicaPlanner.PlanWrite(SimpleReplicas, [], _ => true, ConsistencyLevel.One, Simple3, "dc1"));
        Assert.False(t.RecordAck("stranger"));
        Assert.False(t.IsSatisfied);
    }

    private static readonly ConsistencyLevel[] WriteLevels =
    [
        ConsistencyLevel.One, ConsistencyLevel.Two, ConsistencyLevel.Three, ConsistencyLevel.Quorum, ConsistencyLevel.All,
        ConsistencyLevel.LocalOne, ConsistencyLevel.LocalQuorum, ConsistencyLevel.EachQuorum,
    ];

    /// <summary>
    /// Against a model that recounts from scratch: satisfied iff enough counted acks (per DC for EACH_QUORUM),
    /// failed iff not satisfied and even every outstanding replica acking could not get there; never both;
    /// satisfied stays satisfied and failed stays failed.
    /// </summary>
    [Fact]
    public void Tracker_matches_a_recounting_model()
    {
        var events = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 2]).Array[0, 14];
        Gen.Select(Gen.Int[0, WriteLevels.Length - 1].Select(i => WriteLevels[i]), Gen.Int[0, 31], events).Sample((cl, aliveMask, evs) =>
        {
            Func<string, bool> isAlive = e => (aliveMask & (1 << Array.FindIndex(NtsReplicas, n => n.Endpoint == e))) != 0;
            WritePlan plan;
            try
            {
                plan = ReplicaPlanner.PlanWrite(NtsReplicas, [], isAlive, cl, Nts32, "dc1");
            }
            catch (RingStore.Core.Errors.UnavailableException)
            {
                return;
            }
            var tracker = new WriteResponseTracker(plan);
            var answered = new Dictionary<string, bool>();
            bool wasSatisfied = false, wasFailed = false;
            foreach (var (who, kind) in evs)
            {
                var node = NtsReplicas[who];
                bool isTarget = plan.Targets.Contains(node);
                if (kind == 0) tracker.RecordAck(node.Endpoint);
                else if (kind == 1) tracker.RecordFailure(node.Endpoint);
                else tracker.RecordHint(node.Endpoint);
                if (kind < 2 && isTarget) answered.TryAdd(node.Endpoint, kind == 0);

                bool Counts(NodeInfo n) => cl is not (ConsistencyLevel.LocalOne or ConsistencyLevel.LocalQuorum) || n.Datacenter == "dc1";
                var acked = plan.Targets.Where(t => answered.GetValueOrDefault(t.Endpoint)).Where(Counts).ToList();
                var open = plan.Targets.Where(t => !answered.ContainsKey(t.Endpoint)).Where(Counts).ToList();
                bool satisfied, possible;
                if (cl == ConsistencyLevel.EachQuorum)
                {
                    satisfied = acked.Count(n => n.Datacenter == "dc1") >= 2 && acked.Count(n => n.Datacenter == "dc2") >= 2;
                    possible = acked.Concat(open).Count(n => n.Datacenter == "dc1") >= 2 && acked.Concat(open).Count(n => n.Datacenter == "dc2") >= 2;
                }
                else
                {
                    satisfied = acked.Count >= plan.BlockFor;
                    possible = acked.Count + open.Count >= plan.BlockFor;
                }
                Assert.Equal(satisfied, tracker.IsSatisfied);
                Assert.Equal(!satisfied && !possible, tracker.IsFailed);
                Assert.Equal(acked.Count, tracker.Received);
                Assert.False(wasSatisfied && !tracker.IsSatisfied);
                Assert.False(wasFailed && !tracker.IsFailed);
                wasSatisfied = tracker.IsSatisfied;
                wasFailed = tracker.IsFailed;
            }
        }, iter: 5_000);
    }
}
