using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Gossip.Ring;
using RingStore.Coordination;
using static RingStore.Node.Tests.Coordination.Topologies;

namespace RingStore.Node.Tests.Coordination;

public class ReplicaPlannerWriteTests
{
    // RF 3 SimpleStrategy: blockFor ANY/ONE/LOCAL_ONE 1, TWO 2, THREE 3, QUORUM 2, ALL 3, LOCAL_QUORUM 2
    // (SimpleStrategy's whole RF is "local"), EACH_QUORUM 2 (no datacenters: means QUORUM).
    [Theory]
    [InlineData(ConsistencyLevel.Any, 0, true, 1)]
    [InlineData(ConsistencyLevel.One, 1, true, 1)]
    [InlineData(ConsistencyLevel.One, 0, false, 1)]
    [InlineData(ConsistencyLevel.LocalOne, 1, true, 1)]
    [InlineData(ConsistencyLevel.LocalOne, 0, false, 1)]
    [InlineData(ConsistencyLevel.Two, 2, true, 2)]
    [InlineData(ConsistencyLevel.Two, 1, false, 2)]
    [InlineData(ConsistencyLevel.Three, 3, true, 3)]
    [InlineData(ConsistencyLevel.Three, 2, false, 3)]
    [InlineData(ConsistencyLevel.Quorum, 2, true, 2)]
    [InlineData(ConsistencyLevel.Quorum, 1, false, 2)]
    [InlineData(ConsistencyLevel.All, 3, true, 3)]
    [InlineData(ConsistencyLevel.All, 2, false, 3)]
    [InlineData(ConsistencyLevel.LocalQuorum, 2, true, 2)]
    [InlineData(ConsistencyLevel.LocalQuorum, 1, false, 2)]
    [InlineData(ConsistencyLevel.EachQuorum, 2, true, 2)]
    [InlineData(ConsistencyLevel.EachQuorum, 1, false, 2)]
    public void Simple_rf3(ConsistencyLevel cl, int alive, bool ok, int blockFor)
    {
        var isAlive = AliveFirst(SimpleReplicas, alive);
        if (!ok)
        {
            var e = Assert.Throws<UnavailableException>(() => ReplicaPlanner.PlanWrite(SimpleReplicas, [], isAlive, cl, Simple3, "dc1"));
            Assert.Equal(blockFor, e.Required);
            Assert.Equal(alive, e.Alive);
            return;
        }
        var plan = ReplicaPlanner.PlanWrite(SimpleReplicas, [], isAlive, cl, Simple3, "dc1");
        Assert.Equal(blockFor, plan.BlockFor);
        Assert.Equal(SimpleReplicas.Take(alive), plan.Targets);
        Assert.Equal(SimpleReplicas.Skip(alive), plan.Down);
    }

    // NTS dc1:3 dc2:2, coordinator in dc1: ONE 1, TWO 2, THREE 3, QUORUM 5/2+1 = 3, ALL 5,
    // LOCAL_ONE 1 in dc1, LOCAL_QUORUM 3/2+1 = 2 in dc1, EACH_QUORUM 2 in dc1 and 2 in dc2.
    [Theory]
    [InlineData(ConsistencyLevel.Any, 0, 0, true)]
    [InlineData(ConsistencyLevel.One, 0, 1, true)]
    [InlineData(ConsistencyLevel.One, 0, 0, false)]
    [InlineData(ConsistencyLevel.Two, 1, 1, true)]
    [InlineData(ConsistencyLevel.Two, 0, 1, false)]
    [InlineData(ConsistencyLevel.Three, 1, 2, true)]
    [InlineData(ConsistencyLevel.Three, 2, 0, false)]
    [InlineData(ConsistencyLevel.Quorum, 1, 2, true)]
    [InlineData(ConsistencyLevel.Quorum, 3, 0, true)]
    [InlineData(ConsistencyLevel.Quorum, 1, 1, false)]
    [InlineData(ConsistencyLevel.All, 3, 2, true)]
    [InlineData(ConsistencyLevel.All, 3, 1, false)]
    [InlineData(ConsistencyLevel.LocalOne, 1, 0, true)]
    [InlineData(ConsistencyLevel.LocalOne, 0, 2, false)]
    [InlineData(ConsistencyLevel.LocalQuorum, 2, 0, true)]
    [InlineData(ConsistencyLevel.LocalQuorum, 1, 2, false)]
    [InlineData(ConsistencyLevel.EachQuorum, 2, 2, true)]
    [InlineData(ConsistencyLevel.EachQuorum, 3, 1, false)]
    [InlineData(ConsistencyLevel.EachQuorum, 1, 2, false)]
    public void Nts_dc1_3_dc2_2(ConsistencyLevel cl, int dc1Alive, int dc2Alive, bool ok)
    {
        var isAlive = AliveNts(dc1Alive, dc2Alive);
        if (ok)
        {
            var plan = ReplicaPlanner.PlanWrite(NtsReplicas, [], isAlive, cl, Nts32, "dc1");
            Assert.Equal(dc1Alive + dc2Alive, plan.Targets.Count);
            Assert.Equal(5 - dc1Alive - dc2Alive, plan.Down.Count);
        }
        else
        {
            Assert.Throws<UnavailableException>(() => ReplicaPlanner.PlanWrite(NtsReplicas, [], isAlive, cl, Nts32, "dc1"));
        }
    }

    [Fact]
    public void Nts_block_for_values()
    {
        Assert.Equal(3, ConsistencyMath.BlockFor(ConsistencyLevel.Quorum, Nts32, "dc1"));
        Assert.Equal(5, ConsistencyMath.BlockFor(ConsistencyLevel.All, Nts32, "dc1"));
        Assert.Equal(2, ConsistencyMath.BlockFor(ConsistencyLevel.LocalQuorum, Nts32, "dc1"));
        Assert.Equal(2, ConsistencyMath.BlockFor(ConsistencyLevel.LocalQuorum, Nts32, "dc2"));
        Assert.Equal(4, ConsistencyMath.BlockFor(ConsistencyLevel.EachQuorum, Nts32, "dc1"));
        var plan = ReplicaPlanner.PlanWrite(NtsReplicas, [], _ => true, ConsistencyLevel.EachQuorum, Nts32, "dc1");
        Assert.Equal(2, plan.BlockForByDatacenter["dc1"]);
        Assert.Equal(2, plan.BlockForByDatacenter["dc2"]);
    }

    [Fact]
    public void Unavailable_for_each_quorum_names_the_short_datacenter()
    {
        var e = Assert.Throws<UnavailableException>(() =>
            ReplicaPlanner.PlanWrite(NtsReplicas, [], AliveNts(3, 1), ConsistencyLevel.EachQuorum, Nts32, "dc1"));
        Assert.Equal(2, e.Required);
        Assert.Equal(1, e.Alive);
    }

    [Fact]
    public void Pending_replica_raises_block_for_and_gets_the_write()
    {
        var pending = new NodeInfo("p1");
        // QUORUM over RF 3 plus one pending: 3 acks. Two naturals and the pending node up is enough...
        var plan = ReplicaPlanner.PlanWrite(SimpleReplicas, [pending], e => e != "n3", ConsistencyLevel.Quorum, Simple3, "dc1");
        Assert.Equal(3, plan.BlockFor);
        Assert.Contains(pending, plan.Targets);
        Assert.Equal([SimpleReplicas[2]], plan.Down);
        // ...one natural plus the pending node is not.
        Assert.Throws<UnavailableException>(() =>
            ReplicaPlanner.PlanWrite(SimpleReplicas, [pending], e => e is "n1" or "p1", ConsistencyLevel.Quorum, Simple3, "dc1"));
        // A down pending node still counts in blockFor: two naturals alone cannot make 3.
        var e = Assert.Throws<UnavailableException>(() =>
            ReplicaPlanner.PlanWrite(SimpleReplicas, [pending], x => x != "n3" && x != "p1", ConsistencyLevel.Quorum, Simple3, "dc1"));
        Assert.Equal(3, e.Required);
        Assert.Equal(2, e.Alive);
    }

    [Fact]
    public void Pending_replicas_count_only_in_their_datacenter_for_local_and_each_quorum()
    {
        var pendingDc2 = new NodeInfo("b3", "dc2", "r3");
        var pendingDc1 = new NodeInfo("a4", "dc1", "r1");
        Assert.Equal(2, ReplicaPlanner.PlanWrite(NtsReplicas, [pendingDc2], _ => true, ConsistencyLevel.LocalQuorum, Nts32, "dc1").BlockFor);
        Assert.Equal(3, ReplicaPlanner.PlanWrite(NtsReplicas, [pendingDc1], _ => true, ConsistencyLevel.LocalQuorum, Nts32, "dc1").BlockFor);
        Assert.Equal(4, ReplicaPlanner.PlanWrite(NtsReplicas, [pendingDc2], _ => true, ConsistencyLevel.Quorum, Nts32, "dc1").BlockFor);
        var each = ReplicaPlanner.PlanWrite(NtsReplicas, [pendingDc2], _ => true, ConsistencyLevel.EachQuorum, Nts32, "dc1");
        Assert.Equal(2, each.BlockForByDatacenter["dc1"]);
        Assert.Equal(3, each.BlockForByDatacenter["dc2"]);
        Assert.Throws<UnavailableException>(() =>
            ReplicaPlanner.PlanWrite(NtsReplicas, [pendingDc2], e => e != "b3", ConsistencyLevel.EachQuorum, Nts32, "dc1"));
    }

    [Fact]
    public void Any_with_every_replica_down_plans_only_hints()
    {
        var plan = ReplicaPlanner.PlanWrite(SimpleReplicas, [], _ => false, ConsistencyLevel.Any, Simple3, "dc1");
        Assert.Empty(plan.Targets);
        Assert.Equal(3, plan.Down.Count);
        Assert.Equal(1, plan.BlockFor);
    }

    [Fact]
    public void Replica_listed_as_natural_and_pending_is_sent_once()
    {
        var plan = ReplicaPlanner.PlanWrite(SimpleReplicas, [SimpleReplicas[0]], _ => true, ConsistencyLevel.One, Simple3, "dc1");
        Assert.Equal(3, plan.Targets.Count);
    }
}
