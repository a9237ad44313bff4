using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Coordination;
using static RingStore.Node.Tests.Coordination.Topologies;

namespace RingStore.Node.Tests.Coordination;

public class ReplicaPlannerReadTests
{
    private static readonly Dictionary<string, double> Latency = new()
    {
        ["n1"] = 5, ["n2"] = 1, ["n3"] = 3, ["a1"] = 4, ["a2"] = 2, ["a3"] = 9, ["b1"] = 0.5, ["b2"] = 1,
    };

    private static double Score(string endpoint) => Latency[endpoint];

    [Fact]
    public void Quorum_asks_the_fastest_for_data_the_next_for_a_digest_and_keeps_the_third_for_speculation()
    {
        var plan = ReplicaPlanner.PlanRead(SimpleReplicas, _ => true, ConsistencyLevel.Quorum, Simple3, "dc1", Score);
        Assert.Equal(["n2", "n3"], plan.Contacts.Select(c => c.Endpoint));
        Assert.Equal("n2", plan.DataReplica.Endpoint);
        Assert.Equal(["n3"], plan.DigestReplicas.Select(c => c.Endpoint));
        Assert.Equal("n1", plan.SpeculativeCandidate?.Endpoint);
        Assert.Equal(2, plan.BlockFor);
    }

    [Fact]
    public void All_has_no_speculative_candidate()
    {
        var plan = ReplicaPlanner.PlanRead(SimpleReplicas, _ => true, ConsistencyLevel.All, Simple3, "dc1", Score);
        Assert.Equal(3, plan.Contacts.Count);
        Assert.Null(plan.SpeculativeCandidate);
    }

    [Theory]
    [InlineData(ConsistencyLevel.One, 1, true)]
    [InlineData(ConsistencyLevel.One, 0, false)]
    [InlineData(ConsistencyLevel.Two, 1, false)]
    [InlineData(ConsistencyLevel.Quorum, 2, true)]
    [InlineData(ConsistencyLevel.Quorum, 1, false)]
    [InlineData(ConsistencyLevel.All, 2, false)]
    [InlineData(ConsistencyLevel.LocalQuorum, 2, true)]
    public void Simple_rf3_availability(ConsistencyLevel cl, int alive, bool ok)
    {
        var isAlive = AliveFirst(SimpleReplicas, alive);
        if (ok)
        {
            var plan = ReplicaPlanner.PlanRead(SimpleReplicas, isAlive, cl, Simple3, "dc1", Score);
            Assert.All(plan.Contacts, c => Assert.True(isAlive(c.Endpoint)));
        }
        else
        {
            Assert.Throws<UnavailableException>(() => ReplicaPlanner.PlanRead(SimpleReplicas, isAlive, cl, Simple3, "dc1", Score));
        }
    }

    [Fact]
    public void Any_is_invalid_for_reads()
    {
        Assert.Throws<InvalidRequestException>(() =>
            ReplicaPlanner.PlanRead(SimpleReplicas, _ => true, ConsistencyLevel.Any, Simple3, "dc1", Score));
    }

    [Fact]
    public void Local_quorum_contacts_only_the_local_datacenter_even_when_remote_is_faster()
    {
        var plan = ReplicaPlanner.PlanRead(NtsReplicas, _ => true, ConsistencyLevel.LocalQuorum, Nts32, "dc1", Score);
        Assert.Equal(["a2", "a1"], plan.Contacts.Select(c => c.Endpoint));
        Assert.Equal("a3", plan.SpeculativeCandidate?.Endpoint);
        Assert.Throws<UnavailableException>(() =>
            ReplicaPlanner.PlanRead(NtsReplicas, AliveNts(1, 2), ConsistencyLevel.LocalQuorum, Nts32, "dc1", Score));
    }

    [Fact]
    public void Quorum_over_nts_takes_the_three_fastest_anywhere()
    {
        var plan = ReplicaPlanner.PlanRead(NtsReplicas, _ => true, ConsistencyLevel.Quorum, Nts32, "dc1", Score);
        Assert.Equal(["b1", "b2", "a2"], plan.Contacts.Select(c => c.Endpoint));
    }

    [Fact]
    public void Each_quorum_takes_the_fastest_quorum_of_each_datacenter()
    {
        var plan = ReplicaPlanner.PlanRead(NtsReplicas, _ => true, ConsistencyLevel.EachQuorum, Nts32, "dc1", Score);
        Assert.Equal(["b1", "b2", "a2", "a1"], plan.Contacts.Select(c => c.Endpoint));
        Assert.Equal("a3", plan.SpeculativeCandidate?.Endpoint);
        Assert.Throws<UnavailableException>(() =>
            ReplicaPlanner.PlanRead(NtsReplicas, AliveNts(3, 1), ConsistencyLevel.EachQuorum, Nts32, "dc1", Score));
    }

    [Fact]
    public void Equal_scores_prefer_the_local_datacenter_then_a_fixed_order()
    {
        var plan = ReplicaPlanner.PlanRead(NtsReplicas, _ => true, ConsistencyLevel.Quorum, Nts32, "dc2", _ => 0);
        Assert.Equal(["b1", "b2", "a1"], plan.Contacts.Select(c => c.Endpoint));
    }

    [Fact]
    public void Down_replicas_are_never_contacted()
    {
        var plan = ReplicaPlanner.PlanRead(SimpleReplicas, e => e != "n2", ConsistencyLevel.Quorum, Simple3, "dc1", Score);
        Assert.Equal(["n3", "n1"], plan.Contacts.Select(c => c.Endpoint));
        Assert.Null(plan.SpeculativeCandidate);
    }
}
